"""The site's own CSS and JavaScript, served from the site itself (nothing from the
network: during an incident the network may be what is down)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

CSS_PATH = "assets/runbooks/runbooks.css"
JS_PATH = "assets/runbooks/runbooks.js"
MERMAID_PATH = "assets/runbooks/mermaid.min.js"


def mermaid_js() -> Path | None:
    """The vendored Mermaid (scripts/vendor-mermaid.sh), or None: then flows stay text."""
    candidates = [
        os.environ.get("RUNNER_MERMAID_JS"),
        str(Path(sys.prefix) / "share" / "runbooks" / "mermaid.min.js"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


CSS = """
.rb-card { border: 1px solid var(--md-default-fg-color--lightest); border-radius: .2rem;
  padding: .4rem .8rem; margin: .6rem 0 1rem; font-size: .7rem; }
.rb-meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0; }
.rb-meta dt { font-weight: 700; } .rb-meta dd { margin: 0; }
.rb-step { margin-bottom: .2rem; font-size: .75rem; }
.rb-step-no { display: inline-block; min-width: 2.2rem; font-weight: 700;
  color: var(--md-accent-fg-color); }
.rb-badge { border-radius: .6rem; padding: 0 .4rem; margin-left: .2rem; font-size: .6rem;
  background: var(--md-default-fg-color--lightest); white-space: nowrap; }
.rb-destructive { background: #c62828; color: #fff; }
.rb-confirm { background: #f9a825; color: #000; }
.rb-healthy { background: #2e7d32; color: #fff; }
.md-typeset a.rb-attention { background: #ef6c00; color: #fff; }
.rb-copy { margin-left: .3rem; font-size: .6rem; cursor: pointer; border-radius: .2rem;
  border: 1px solid var(--md-default-fg-color--lighter); background: none; padding: 0 .3rem; }
.rb-filter { width: 100%; padding: .3rem .5rem; margin-bottom: .5rem; font-size: .75rem;
  border: 1px solid var(--md-default-fg-color--lighter); border-radius: .2rem; }
.md-typeset table.rb-catalogue { border-collapse: collapse; font-size: .7rem; width: 100%; }
.rb-catalogue th, .rb-catalogue td { padding: .35rem .5rem; text-align: left;
  vertical-align: top; border-bottom: 1px solid var(--md-default-fg-color--lightest); }
.rb-catalogue th { background: var(--md-default-fg-color--lightest); white-space: nowrap; }
.rb-sortable th { cursor: pointer; }
.rb-overdue { color: #c62828; font-weight: 700; }
.rb-chart { width: 100%; max-width: 40rem; } .rb-bar { fill: var(--md-accent-fg-color); }
@media (max-width: 40em) { .rb-meta { grid-template-columns: 1fr; } }
"""

JS = r"""
(function () {
  "use strict";
  function shellQuote(v) { return /^[\w@%+=:,./-]+$/.test(v) ? v : "'" + v.replace(/'/g, "'\\''") + "'"; }

  // ?ENV=prod&namespace=x from an alert link: fill matching parameters (case-insensitive)
  // into the shown commands and into the run commands.
  function fillParams() {
    var card = document.querySelector(".rb-card[data-params]");
    if (!card) return;
    var declared = (card.getAttribute("data-params") || "").split(/\s+/).filter(Boolean);
    var query = new URLSearchParams(location.search);
    var values = {};
    query.forEach(function (value, key) {
      declared.forEach(function (name) {
        if (name.toLowerCase() === key.toLowerCase() && value) values[name] = value;
      });
    });
    var names = Object.keys(values);
    if (!names.length) return;
    var pattern = new RegExp("\\$\\{?(" + names.join("|") + ")\\}?(?![A-Za-z0-9_])", "g");
    document.querySelectorAll(".md-content pre code").forEach(function (code) {
      var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      var nodes = []; while (walker.nextNode()) nodes.push(walker.currentNode);
      // a variable may be split over highlighter spans: join the text, then rewrite it
      var text = nodes.map(function (n) { return n.nodeValue; }).join("");
      if (!pattern.test(text)) return;
      pattern.lastIndex = 0;
      code.textContent = text.replace(pattern, function (_, name) { return values[name]; });
      code.classList.add("rb-filled");
    });
    var extra = names.map(function (n) { return " --param " + shellQuote(n + "=" + values[n]); }).join("");
    document.querySelectorAll("code.rb-run, code.rb-run-all").forEach(function (el) {
      el.textContent = el.textContent + extra;
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand("copy"); document.body.removeChild(area);
    return Promise.resolve();
  }

  function copyButtons() {
    document.querySelectorAll("code.rb-run, code.rb-run-all").forEach(function (el) {
      var button = document.createElement("button");
      button.className = "rb-copy"; button.type = "button"; button.textContent = "copy";
      button.title = "Copy the command";
      button.addEventListener("click", function () {
        copyText(el.textContent).then(function () { button.textContent = "copied"; });
      });
      el.insertAdjacentElement("afterend", button);
    });
  }

  function catalogue() {
    var input = document.querySelector(".rb-filter");
    if (input) input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      document.querySelectorAll(".rb-catalogue tbody tr").forEach(function (row) {
        var hay = row.getAttribute("data-search") || "";
        row.style.display = words.every(function (w) { return hay.indexOf(w) >= 0; }) ? "" : "none";
      });
    });
    document.querySelectorAll("table.rb-sortable th").forEach(function (th, column) {
      th.addEventListener("click", function () {
        var body = th.closest("table").querySelector("tbody");
        var up = th.getAttribute("data-dir") !== "up";
        th.setAttribute("data-dir", up ? "up" : "down");
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
          var cell = row.cells[column];
          var v = cell.getAttribute("data-sort") || cell.textContent.trim().toLowerCase();
          return isNaN(Number(v)) ? v : Number(v);
        }
        rows.sort(function (a, b) { var x = key(a), y = key(b); return (x > y ? 1 : x < y ? -1 : 0) * (up ? 1 : -1); });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  // Norwegian search. Material's search has no stemmer in its pipeline and matches query
  // words as prefixes, so "tilkoblingene" never finds a page saying "tilkobling" (and
  // lunr's en+no pipeline would stem English first). We add each query word's Norwegian
  // stem (Snowball, the same algorithm as lunr.no) as an extra, optional term: the stem is
  // a prefix of every inflected form, so "tilkobling*" matches them all.
  // Snowball's Norwegian stemmer (norwegian.sbl, as snowballstemmer 3 implements it).
  var VOWELS = "aeiouyåæêòóôø";
  var S_ENDING = "bcdfghjlmnoptvyz";
  var MAIN = {  // suffix -> action: 1 delete, 2 "ers" rule, 3 "s" rule, 4 replace by "er"
    a: 1, e: 1, ede: 1, ande: 1, ende: 1, ane: 1, ene: 1, hetene: 1, erte: 4, en: 1,
    heten: 1, ar: 1, er: 1, heter: 1, s: 3, as: 1, es: 1, edes: 1, endes: 1, enes: 1,
    hetenes: 1, ens: 1, hetens: 1, ers: 2, ets: 1, et: 1, het: 1, ert: 4, ast: 1 };
  var KEEP_ERS = { ind: 1, kk: 1, nk: 1, amm: 1, omm: 1, kap: 1, pp: 1, lt: 1, ast: 1, "øst": 1, v: 1 };
  var DROP_ERS = { skap: 1, hav: 1, giv: 1 };
  var OTHER = ["hetslov", "eleg", "elig", "elov", "slov", "leg", "eig", "lig", "els", "lov", "ig"];
  function isVowel(c) { return c !== undefined && VOWELS.indexOf(c) >= 0; }
  function region1(word) {
    var p1 = word.length;
    for (var i = 1; i < word.length; i++) {
      if (!isVowel(word[i]) && isVowel(word[i - 1])) { p1 = i + 1; break; }
    }
    return Math.max(p1, 3);
  }
  function longest(word, r1, table) {
    for (var n = Math.min(7, word.length - r1); n > 0; n--) {
      var suffix = word.slice(-n);
      if (Object.prototype.hasOwnProperty.call(table, suffix)) return suffix;
    }
    return null;
  }
  function stemNo(word) {
    if (word.length < 3) return word;
    var r1 = region1(word);
    var suffix = longest(word, r1, MAIN);
    if (suffix !== null) {
      var action = MAIN[suffix], rest = word.slice(0, -suffix.length);
      if (action === 1) word = rest;
      else if (action === 4) word = rest + "er";
      else if (action === 2) {
        var keep = false;
        for (var k = 4; k > 0; k--) {
          var tail = rest.slice(-k);
          if (rest.length >= k && (KEEP_ERS[tail] || DROP_ERS[tail])) { keep = !!KEEP_ERS[tail]; break; }
        }
        if (!keep) word = rest;
      } else {  // "s"
        var p = rest.slice(-1), pp = rest.slice(-2, -1);
        if (S_ENDING.indexOf(p) >= 0 || (p === "r" && pp !== "e") ||
            (p === "k" && rest.length >= 2 && !isVowel(pp))) word = rest;
      }
    }
    if (word.length - 2 >= r1 && /(dt|vt)$/.test(word)) word = word.slice(0, -1);
    for (var i = 0; i < OTHER.length; i++) {
      var other = OTHER[i];
      if (word.length - other.length >= r1 && word.slice(-other.length) === other) {
        word = word.slice(0, -other.length); break;
      }
    }
    return word;
  }
  window.runbooksStemNo = stemNo;
  function expandQuery(query) {
    var extra = [];
    query.split(/\s+/).forEach(function (word) {
      if (!/^[a-zæøå]{4,}$/i.test(word)) return;
      var stem = stemNo(word.toLowerCase());
      if (stem.length >= 3 && stem !== word.toLowerCase() && extra.indexOf(stem) < 0) extra.push(stem);
    });
    return extra.length ? query + " " + extra.join(" ") : query;
  }
  window.runbooksExpandQuery = expandQuery;
  if (window.Worker && !Worker.prototype.__runbooks) {
    var post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message) {
      var args = Array.prototype.slice.call(arguments);
      // type 2 is Material's search query message
      if (message && message.type === 2 && typeof message.data === "string") {
        args[0] = { type: 2, data: expandQuery(message.data) };
      }
      return post.apply(this, args);
    };
    Worker.prototype.__runbooks = true;
  }

  function init() { fillParams(); copyButtons(); catalogue(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
"""
