// The console's live parts: the queue and a handoff's transcript, polled every two seconds. Pages and
// forms work without this file; it only keeps them current. Text goes in with textContent, never as HTML.
(function () {
  "use strict";
  var EVERY = 2000;
  var body = document.body;
  var page = body.getAttribute("data-page");

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (r.status === 401) {  // back to this handoff once signed in again (its reply, if any, is kept: keepDraft)
        var here = page === "handoff" ? "?next=" + encodeURIComponent(window.location.pathname) : "";
        window.location.assign("/console/sign-in" + here); throw new Error("signed out");
      }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function meta(row) {  // handoff/console_pages.py `_meta`
    return row.status_text + (row.place ? " · number " + row.place + " in the queue" : "") + " · " + row.reason + " · " + row.since;
  }

  function queueRow(row) {
    var li = el("li", "handoff " + row.status + (row.flag ? " overdue" : "") + (row.mine ? " mine" : ""));
    li.setAttribute("data-reminded", row.reminded || "");
    var a = el("a");
    a.href = "/console/handoffs/" + row.id;
    a.appendChild(el("span", "id", "#" + row.id));
    a.appendChild(document.createTextNode(" "));
    a.appendChild(el("span", "intent", row.intent));
    if (row.mine) { a.appendChild(document.createTextNode(" ")); a.appendChild(el("span", "yours", "Yours")); }  // claimed by the one signed in
    li.appendChild(a);
    if (row.flag) { li.appendChild(el("span", "flag", row.flag)); }
    li.appendChild(el("span", "meta", meta(row)));
    return li;
  }

  // a list is drawn again only when what it shows changed, and the link that had the keyboard's focus
  // has it again after: redrawn every poll, a keyboard user tabbing through the queue was sent back to
  // the top of the page every two seconds, and a screen reader read the whole queue out again
  function fill(list, rows, empty) {
    var next = el("ul");
    next.replaceChildren.apply(next, rows.length ? rows.map(queueRow) : [el("li", "empty", empty)]);
    if (next.innerHTML === list.innerHTML) { return; }  // as drawn (by the server at first: the same markup)
    var focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
    list.replaceChildren.apply(list, Array.prototype.slice.call(next.childNodes));
    var again = focused && document.querySelector('.queue a[href="' + focused + '"]');
    if (again) { again.focus(); }
  }

  // what a screen reader says when the queue changes: the handoffs that arrived, once each, and the
  // reminders of those nobody claimed in time, once per reminder (the page's status region,
  // handoff/console_pages.py `queue_page`), not the whole list again
  var seen = {};  // the open handoffs shown so far, with their last reminder, from the page as the server drew it
  Array.prototype.forEach.call(document.querySelectorAll("#queue li[data-reminded]"), function (li) {
    seen[li.querySelector("a").getAttribute("href").split("/").pop()] = li.getAttribute("data-reminded");
  });
  function announce(active) {
    var said = [];
    active.forEach(function (h) {
      var before = seen[String(h.id)];
      if (before === undefined) { said.push("New handoff #" + h.id + ": " + h.intent); }
      else if (h.reminded && h.reminded !== before) { said.push("Reminder, handoff #" + h.id + " (" + h.intent + "). " + h.flag); }
    });
    var news = document.getElementById("queue-news");
    if (said.length && news) { news.textContent = said.join(". "); }
    seen = {};
    active.forEach(function (h) { seen[String(h.id)] = h.reminded || ""; });
  }

  // the step-back banner (handoff/console_pages.py `_notice`, built the same way): shown while the
  // tenant's latest automatic step back to shadow is not acknowledged, by whichever process stepped it
  function notice(data) {
    var box = document.getElementById("notice");
    var shown = box && box.firstElementChild;
    if (!box || (shown ? shown.getAttribute("data-step") : null) === (data ? String(data.id) : null)) { return; }
    if (!data) { box.replaceChildren(); return; }
    var csrf = document.querySelector('input[name="csrf"]');
    var section = el("section", "notice");
    section.setAttribute("role", "alert");
    section.setAttribute("data-step", String(data.id));
    section.appendChild(el("h2", "", "The bot was stepped back to shadow"));
    section.appendChild(el("p", "", "At " + data.at + ": " + data.reason + ". Until an operator sets it again (/admin/rollout or " +
      "supportbot rollout), the bot only drafts: every customer comes to you, with the draft on the card."));
    var form = el("form");
    form.method = "post";
    form.action = "/console/notices/" + data.id + "/acknowledge";
    var token = el("input");
    token.type = "hidden"; token.name = "csrf"; token.value = csrf ? csrf.value : "";
    form.appendChild(token);
    var button = el("button", "", "Got it");
    button.type = "submit";
    form.appendChild(button);
    section.appendChild(form);
    box.replaceChildren(section);
  }

  function pollQueue() {
    get("/console/api/queue").then(function (data) {
      notice(data.notice);
      var active = data.handoffs.filter(function (h) { return h.active; });
      var closed = data.handoffs.filter(function (h) { return !h.active; }).slice(0, 20);
      announce(active);
      fill(document.getElementById("queue"), active, "Nobody is waiting.");
      fill(document.getElementById("closed"), closed, "None yet.");
    }).catch(function () {}).then(function () { setTimeout(pollQueue, EVERY); });
  }

  var NAMES = { customer: "Customer", bot: "Bot", agent: "Staff", system: "Notice" };

  // the server writes times in UTC ("14:05 UTC"); staff read them on their own clock, with the day when it
  // is not today (a handoff left overnight)
  function localTime(node) {
    var when = new Date(node.getAttribute("datetime"));
    if (isNaN(when.getTime())) { return; }
    var clock = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    var today = new Date().toDateString() === when.toDateString();
    node.textContent = today ? clock : when.toLocaleDateString([], { day: "numeric", month: "short" }) + " " + clock;
    node.title = when.toString();
  }
  Array.prototype.forEach.call(document.querySelectorAll("time.at[datetime]"), localTime);

  function message(row) {
    var li = el("li", "msg " + row.role);
    li.setAttribute("data-id", String(row.id));
    li.appendChild(el("span", "who", row.author || NAMES[row.role] || row.role));
    var at = el("time", "at", row.at);
    at.setAttribute("datetime", row.when);
    localTime(at);
    li.appendChild(at);
    var text = el("p", "", row.text); text.dir = "auto"; li.appendChild(text);  // Arabic or Hebrew reads right to left
    return li;
  }

  function pollHandoff() {
    var id = body.getAttribute("data-handoff");
    get("/console/api/handoffs/" + id).then(function (data) {
      if (data.status !== body.getAttribute("data-status") || data.status_text !== body.getAttribute("data-status-text")) {
        // claimed, taken over, resolved or returned elsewhere (another person, or Slack): the actions change
        // with it, unless someone is in the middle of writing a reply (a take-over keeps the status "claimed":
        // the claimer's page went on saying the handoff was theirs)
        var draft = document.getElementById("reply-text");
        if (!draft || !draft.value) { window.location.reload(); return; }
        document.getElementById("status").textContent = data.status_text;
      }
      var log = document.getElementById("transcript");
      var known = {};
      Array.prototype.forEach.call(log.children, function (li) { known[li.getAttribute("data-id")] = true; });
      data.messages.forEach(function (row) {
        if (!known[String(row.id)]) { log.appendChild(message(row)); log.lastChild.scrollIntoView({ block: "nearest" }); }
      });
    }).catch(function () {}).then(function () { setTimeout(pollHandoff, EVERY); });
  }

  if (page === "queue") { setTimeout(pollQueue, EVERY); }
  // a reply being written is kept in this tab (sessionStorage) until the server says it was sent: an
  // ended session sends the page to sign-in, a form refused (CSRF after signing in again) shows an error
  // page, and either lost the text; it is back in the box when the handoff is opened again
  var DRAFT = "supportbot-reply-" + body.getAttribute("data-handoff");
  function keepDraft(reply) {
    var form = reply.form;
    var sent = new URLSearchParams(window.location.search).get("sent");
    var kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem(DRAFT) || "null"); } catch (e) { kept = null; }
    if (kept && sent && kept.id === sent) { window.sessionStorage.removeItem(DRAFT); kept = null; }
    if (sent) { window.history.replaceState(null, "", window.location.pathname); }
    if (kept && kept.text && !reply.value) { reply.value = kept.text; }
    function save() {
      var id = form.querySelector('input[name="client_id"]').value;
      if (reply.value) { window.sessionStorage.setItem(DRAFT, JSON.stringify({ id: id, text: reply.value })); }
      else { window.sessionStorage.removeItem(DRAFT); }
    }
    reply.addEventListener("input", save);
    form.addEventListener("submit", save);
  }

  var signOut = document.querySelector('form[action="/console/sign-out"]');
  if (signOut) {  // nothing of what was written stays in the tab of someone who signed out
    signOut.addEventListener("submit", function () {
      Object.keys(window.sessionStorage).forEach(function (k) {
        if (k.indexOf("supportbot-reply-") === 0) { window.sessionStorage.removeItem(k); }
      });
    });
  }

  if (page === "handoff") {
    // the step just done (`?done=`, handoff/console.py `_focus`) placed the focus; a reload should not again
    if (new URLSearchParams(window.location.search).get("done")) { window.history.replaceState(null, "", window.location.pathname); }
    setTimeout(pollHandoff, EVERY);
    var reply = document.getElementById("reply-text");
    if (reply) {
      keepDraft(reply);
      reply.addEventListener("keydown", function (event) {  // Ctrl/Cmd+Enter sends
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { reply.form.requestSubmit(); }
      });
    }
  }
})();
