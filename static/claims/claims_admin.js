/* Claims admin: keyboard triage on the list and a guard on the claim page.
 * A static file, no inline script: the admin runs under a strict Content-Security-Policy.
 * Every action still goes through the admin's own forms, so the server checks each one. */
(function () {
  "use strict";

  var CURSOR_KEY = "fc-triage-cursor";
  var SHORTCUTS = [
    ["j / ↓", "next claim"],
    ["k / ↑", "previous claim"],
    ["Enter / o", "open the claim"],
    ["t", "triage it"],
    ["d", "dismiss it"],
    ["a", "assign it to me"],
    ["?", "show or hide these shortcuts"],
  ];
  var ACTION_KEYS = { t: "triage", d: "dismiss", a: "assign_to_me" };

  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function helpPanel() {
    var panel = document.createElement("aside");
    panel.className = "fc-keys";
    panel.id = "fc-keys";
    panel.hidden = true;
    panel.setAttribute("aria-label", "Keyboard shortcuts");
    var title = document.createElement("h2");
    title.textContent = "Keyboard shortcuts";
    panel.appendChild(title);
    var list = document.createElement("dl");
    SHORTCUTS.forEach(function (pair) {
      var dt = document.createElement("dt");
      var kbd = document.createElement("kbd");
      kbd.textContent = pair[0];
      dt.appendChild(kbd);
      var dd = document.createElement("dd");
      dd.textContent = pair[1];
      list.appendChild(dt);
      list.appendChild(dd);
    });
    panel.appendChild(list);
    document.body.appendChild(panel);
    return panel;
  }

  function keyboardTriage() {
    var table = document.getElementById("result_list");
    var form = document.getElementById("changelist-form");
    if (!table || !form) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    if (!rows.length) return;
    var actions = form.querySelector("select[name=action]");
    var go = form.querySelector("button[name=index], input[name=index]");
    var panel = helpPanel();
    var hint = document.createElement("p");
    hint.className = "fc-keys-hint";
    hint.id = "fc-keys-hint";
    hint.textContent = "Keyboard: j/k to move, Enter to open, t triage, d dismiss, a assign to me; ? lists the shortcuts.";
    table.parentNode.insertBefore(hint, table);

    // The cursor survives the reload after an action: the claim that was triaged leaves the queue
    // and the next one is under the cursor at once.
    var cursor = parseInt(window.sessionStorage.getItem(CURSOR_KEY) || "0", 10) || 0;
    cursor = Math.max(0, Math.min(cursor, rows.length - 1));

    function show() {
      rows.forEach(function (row, i) {
        row.classList.toggle("fc-cursor", i === cursor);
        if (i === cursor) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
      });
      rows[cursor].scrollIntoView({ block: "nearest" });
      window.sessionStorage.setItem(CURSOR_KEY, String(cursor));
    }

    function run(action) {
      var offered = actions && Array.prototype.some.call(actions.options, function (o) { return o.value === action; });
      if (!offered || !go) {
        hint.textContent = "That action is not available to you.";
        return;
      }
      rows.forEach(function (row) {
        var box = row.querySelector("input.action-select");
        if (box) box.checked = false;
      });
      var box = rows[cursor].querySelector("input.action-select");
      if (!box) return;
      box.checked = true;
      actions.value = action;
      if (form.requestSubmit) form.requestSubmit(go); else go.click();
    }

    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
      var key = event.key;
      if (key === "?") {
        panel.hidden = !panel.hidden;
      } else if (key === "Escape") {
        panel.hidden = true;
        return;
      } else if (key === "j" || key === "ArrowDown") {
        cursor = Math.min(cursor + 1, rows.length - 1);
        show();
      } else if (key === "k" || key === "ArrowUp") {
        cursor = Math.max(cursor - 1, 0);
        show();
      } else if ((key === "Enter" && !/^(A|BUTTON)$/.test(event.target.tagName || "")) || key === "o") {
        // Enter on a focused link or button keeps its own meaning.
        var link = rows[cursor].querySelector("th a, td a");
        if (link) window.location.assign(link.href);
      } else if (ACTION_KEYS[key]) {
        run(ACTION_KEYS[key]);
      } else {
        return;
      }
      event.preventDefault();
    });
    show();
  }

  function unsavedGuard() {
    // The claim page has three kinds of form: the workflow panel, the "Same claim" buttons and the
    // claim form with its evidence and notes. Pressing a button in one would drop what was typed in
    // another, so the press is stopped and the editor told which to use or save first.
    var panel = document.getElementById("fc-workflow-form");
    var claimForm = document.getElementById("claim_form");
    if (!panel || !claimForm) return;
    function typedIn(root, selector) {
      if (!root) return false;
      return Array.prototype.some.call(root.querySelectorAll(selector), function (field) {
        if (field.closest(".empty-form")) return false;
        if (field.tagName === "SELECT") {
          // A select with no `selected` option shows its first one: that is its starting value.
          var start = Array.prototype.filter.call(field.options, function (o) { return o.defaultSelected; })[0]
            || field.options[0];
          return start ? field.value !== start.value : false;
        }
        return field.value !== field.defaultValue;
      });
    }
    var groups = [
      { form: panel, name: "the workflow panel (rating, conclusion or note)",
        dirty: function () { return typedIn(panel, "textarea, select"); } },
      { form: claimForm, name: "the evidence or notes below",
        dirty: function () { return typedIn(claimForm, ".inline-group input[type=text], .inline-group input[type=url], .inline-group textarea"); } },
    ];
    function warn(target, text) {
      var notice = document.getElementById("fc-unsaved");
      if (!notice) {
        notice = document.createElement("p");
        notice.id = "fc-unsaved";
        notice.className = "fc-unsaved";
        notice.setAttribute("role", "alert");
      }
      target.insertBefore(notice, target.firstChild);
      notice.textContent = text;
    }
    function guard(form) {
      form.addEventListener("submit", function (event) {
        var other = groups.filter(function (g) { return g.form !== form && g.dirty(); })[0];
        if (!other) return;
        event.preventDefault();
        warn(form, "You have typed in " + other.name + " and not saved it yet. Save or use it first " +
          "(or clear it); nothing you typed has been lost.");
      });
    }
    guard(panel);
    guard(claimForm);
    Array.prototype.forEach.call(document.querySelectorAll("form.fc-inline-form"), guard);
  }

  function refreshWhileProcessing() {
    // An article being processed: reload every few seconds until its status settles, unless the
    // user has started typing (a reload would drop what they typed).
    var status = document.getElementById("fc-article-status");
    if (!status || !status.getAttribute("data-active")) return;
    var form = document.getElementById("article_form");
    var typed = false;
    if (form) form.addEventListener("input", function () { typed = true; });
    window.setTimeout(function () { if (!typed) window.location.reload(); }, 3000);
  }

  function start() {
    keyboardTriage();
    unsavedGuard();
    refreshWhileProcessing();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
