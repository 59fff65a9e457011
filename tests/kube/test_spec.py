"""What a kube step may say, and how parameters fill it: pure checks, no cluster."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runner.kube.spec import SpecError, access, describe, fill, parse
from tests.conftest import INJECTION_PIECES


def spec_of(data: dict[str, object]):  # type: ignore[no-untyped-def]
    spec, problems = parse(data)
    assert spec is not None, problems
    return spec


def test_command_arguments_are_filled_like_a_local_shell_would() -> None:
    spec = spec_of(
        {"action": "exec", "pod": "p", "command": ["sh", "-c", "echo $$HOME $APP ${APP}x $NOPE"]}
    )
    filled = fill(spec, {"APP": "a$$b; rm -rf /"})
    # $$ is a literal $, a set name its value (never read again), an unset one stays
    assert filled.fields["command"] == [
        "sh",
        "-c",
        "echo $HOME a$$b; rm -rf / a$$b; rm -rf /x $NOPE",
    ]


def test_an_unset_parameter_names_the_field() -> None:
    spec = spec_of({"action": "scale", "deployment": "$APP", "replicas": "$N"})
    with pytest.raises(SpecError, match=r"deployment refers to \$APP, which is not set"):
        fill(spec, {"N": "2"})
    assert fill(spec, {"APP": "api", "N": "+3"}).fields == {"deployment": "api", "replicas": "+3"}
    assert fill(spec, {"APP": "api", "N": "4"}).fields["replicas"] == 4


def test_regex_dollars_are_anchors_not_parameters() -> None:
    spec = spec_of({"action": "logs", "pod": "p", "grep": "timeout$"})
    assert fill(spec, {}).fields["grep"] == "timeout$"


def test_underscores_are_accepted_for_hyphens() -> None:
    spec = spec_of({"action": "rollout_restart", "deployment": "api"})
    assert spec.action == "rollout-restart"
    assert describe(spec) == "kubectl rollout restart deployment/api"
    drain = spec_of({"action": "drain", "node": "n1", "delete_emptydir_data": True})
    assert drain.fields == {"node": "n1", "delete-emptydir-data": True}


def test_access_each_action_needs() -> None:
    assert access(spec_of({"action": "logs", "selector": "app=a"})) == [
        ("list", "pods"),
        ("get", "pods/log"),
    ]
    assert access(spec_of({"action": "scale", "statefulset": "db", "replicas": 1})) == [
        ("get", "statefulsets/scale"),
        ("patch", "statefulsets/scale"),
    ]
    assert ("create", "pods/eviction") in access(spec_of({"action": "drain", "node": "n"}))


LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


@given(st.lists(st.sampled_from([*INJECTION_PIECES, "prod", "-", "a"]), max_size=6).map("".join))
def test_a_namespace_from_a_parameter_is_a_namespace_or_refused(value: str) -> None:
    spec = spec_of({"action": "get", "resource": "pods", "namespace": "$ENV"})
    try:
        filled = fill(spec, {"ENV": value})
    except SpecError as exc:
        assert "is not a Kubernetes namespace" in str(exc)
        return
    assert LABEL.fullmatch(filled.fields["namespace"])
    assert filled.fields["namespace"] == value.strip()  # surrounding blanks are dropped
