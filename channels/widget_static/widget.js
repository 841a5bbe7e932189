/* supportbot web widget: one <script src="/widget.js" data-widget-key="KEY"> tag, no build step.
   Talks to the conversation API of the server that served this file. All text is inserted with
   textContent (never innerHTML), inside a shadow root so the host page's CSS stays out. */
(function () {
  "use strict";
  var script = document.currentScript;
  // no data-widget-key: the server takes the tenant whose allowed_origins lists this site (bot/app/request_checks.py)
  var KEY = (script && script.getAttribute("data-widget-key")) || null;
  // A host site that knows its visitor signs their claims (user, plan, groups) into a JWT.
  var VISITOR = (script && script.getAttribute("data-visitor-token")) || null;
  var BASE = script ? new URL(script.src, location.href).origin : location.origin;
  var STORE = "supportbot:" + (KEY || "");
  var state = { conv: null, socket: null, retry: 0, open: false, streaming: null };

  // The widget's own labels, in the languages the bot's texts have (bot/texts.py), with the same forms
  // of address (Sie, vous, tú, tu, você); French puts a no-break space before ? ! ; and :.
  // {n} and {detail} are filled in by `t`.
  var LABELS = {
    en: {
      open: "Open support chat", closePanel: "Close support chat", dialog: "Support chat", title: "Help", close: "Close chat",
      log: "Conversation", human: "Talk to a person", none: "None of these", input: "Your message", placeholder: "Ask a question…", send: "Send",
      typingLabel: "The assistant is typing", typing: "Typing", team: "Support team", sources: "Sources",
      rateGroup: "Rate our support from 1 to 5", rate: "Rate {n} of 5", helpful: "Helpful?", yes: "Yes", no: "No",
      wasHelpful: "Answer was helpful", wasNotHelpful: "Answer was not helpful", thanks: "Thanks for the feedback.",
      waiting: "Waiting for a person from our support team…", joined: "A person from our support team has joined.",
      closed: "This conversation is closed.", back: "You're back with the assistant.",
      tooLong: "That message is too long: {detail}.", slowDown: "Please wait a moment before sending another message.",
      starting: "We're just starting up. Please try again in a few seconds.",
      failed: "Sorry, your message could not be sent. Please try again.", unsent: "Not sent",
      unavailable: "Sorry, this chat is not available. Please use the other ways to contact us on this site.",
      greeting: "Hi! Ask me anything about our product. I'll answer from our help center, or bring in a person."
    },
    de: {
      open: "Support-Chat öffnen", closePanel: "Support-Chat schließen", dialog: "Support-Chat", title: "Hilfe", close: "Chat schließen",
      log: "Gespräch", human: "Mit einer Person sprechen", none: "Keiner davon", input: "Ihre Nachricht", placeholder: "Stellen Sie eine Frage…", send: "Senden",
      typingLabel: "Der Assistent schreibt", typing: "Schreibt", team: "Support-Team", sources: "Quellen",
      rateGroup: "Bewerten Sie unseren Support von 1 bis 5", rate: "Mit {n} von 5 bewerten", helpful: "War das hilfreich?", yes: "Ja", no: "Nein",
      wasHelpful: "Die Antwort war hilfreich", wasNotHelpful: "Die Antwort war nicht hilfreich", thanks: "Danke für Ihr Feedback.",
      waiting: "Sie warten auf eine Person aus unserem Support-Team…", joined: "Eine Person aus unserem Support-Team ist dazugekommen.",
      closed: "Dieses Gespräch ist beendet.", back: "Sie sind wieder beim Assistenten.",
      tooLong: "Diese Nachricht ist zu lang. Bitte kürzen Sie sie.",
      slowDown: "Bitte warten Sie einen Moment, bevor Sie eine weitere Nachricht senden.",
      starting: "Wir starten gerade. Bitte versuchen Sie es in ein paar Sekunden noch einmal.",
      failed: "Entschuldigung, Ihre Nachricht konnte nicht gesendet werden. Bitte versuchen Sie es noch einmal.", unsent: "Nicht gesendet",
      unavailable: "Entschuldigung, dieser Chat ist nicht verfügbar. Bitte nutzen Sie die anderen Kontaktwege auf dieser Seite.",
      greeting: "Hallo! Fragen Sie mich alles zu unserem Produkt. Ich antworte mithilfe unseres Hilfe-Centers oder hole eine Person dazu."
    },
    fr: {
      open: "Ouvrir le chat d'assistance", closePanel: "Fermer le chat d'assistance", dialog: "Chat d'assistance", title: "Aide",
      close: "Fermer le chat", log: "Conversation", human: "Parler à une personne", none: "Aucun de ceux-ci", input: "Votre message",
      placeholder: "Posez une question…", send: "Envoyer", typingLabel: "L'assistant écrit", typing: "Écrit", team: "Équipe support",
      sources: "Sources", rateGroup: "Évaluez notre support de 1 à 5", rate: "Noter {n} sur 5", helpful: "Utile\u00a0?", yes: "Oui", no: "Non",
      wasHelpful: "La réponse était utile", wasNotHelpful: "La réponse n'était pas utile", thanks: "Merci pour votre retour.",
      waiting: "En attente d'une personne de notre équipe support…", joined: "Une personne de notre équipe support a rejoint la conversation.",
      closed: "Cette conversation est terminée.", back: "Vous êtes de nouveau avec l'assistant.",
      tooLong: "Ce message est trop long. Merci de le raccourcir.",
      slowDown: "Merci de patienter un instant avant d'envoyer un autre message.",
      starting: "Nous sommes en train de démarrer. Veuillez réessayer dans quelques secondes.",
      failed: "Désolé, votre message n'a pas pu être envoyé. Veuillez réessayer.", unsent: "Non envoyé",
      unavailable: "Désolé, ce chat n'est pas disponible. Merci d'utiliser les autres moyens de nous contacter sur ce site.",
      greeting: "Bonjour\u00a0! Posez-moi vos questions sur notre produit. Je réponds à l'aide de notre centre d'aide, ou je fais appel à une personne."
    },
    es: {
      open: "Abrir el chat de soporte", closePanel: "Cerrar el chat de soporte", dialog: "Chat de soporte", title: "Ayuda", close: "Cerrar el chat",
      log: "Conversación", human: "Hablar con una persona", none: "Ninguno de estos", input: "Tu mensaje", placeholder: "Haz una pregunta…", send: "Enviar",
      typingLabel: "El asistente está escribiendo", typing: "Escribiendo", team: "Equipo de soporte", sources: "Fuentes",
      rateGroup: "Valora nuestro soporte del 1 al 5", rate: "Valorar con {n} de 5", helpful: "¿Te ha sido útil?", yes: "Sí", no: "No",
      wasHelpful: "La respuesta fue útil", wasNotHelpful: "La respuesta no fue útil", thanks: "Gracias por tu opinión.",
      waiting: "Esperando a una persona de nuestro equipo de soporte…", joined: "Una persona de nuestro equipo de soporte se ha unido.",
      closed: "Esta conversación está cerrada.", back: "Vuelves a hablar con el asistente.",
      tooLong: "Ese mensaje es demasiado largo. ¿Podrías acortarlo?",
      slowDown: "Espera un momento antes de enviar otro mensaje.",
      starting: "Estamos iniciando. Vuelve a intentarlo en unos segundos.",
      failed: "Lo sentimos, no se pudo enviar tu mensaje. Inténtalo de nuevo.", unsent: "No enviado",
      unavailable: "Lo sentimos, este chat no está disponible. Usa las otras formas de contacto de este sitio.",
      greeting: "¡Hola! Pregúntame lo que quieras sobre nuestro producto. Te respondo con la información de nuestro centro de ayuda o te paso con una persona."
    },
    it: {
      open: "Apri la chat di supporto", closePanel: "Chiudi la chat di supporto", dialog: "Chat di supporto", title: "Aiuto", close: "Chiudi la chat",
      log: "Conversazione", human: "Parla con una persona", none: "Nessuno di questi", input: "Il tuo messaggio", placeholder: "Fai una domanda…", send: "Invia",
      typingLabel: "L'assistente sta scrivendo", typing: "Sta scrivendo", team: "Team di supporto", sources: "Fonti",
      rateGroup: "Valuta il nostro supporto da 1 a 5", rate: "Valuta {n} su 5", helpful: "Ti è stato utile?", yes: "Sì", no: "No",
      wasHelpful: "La risposta è stata utile", wasNotHelpful: "La risposta non è stata utile", thanks: "Grazie per il feedback.",
      waiting: "In attesa di una persona del nostro team di supporto…", joined: "Una persona del nostro team di supporto si è unita alla conversazione.",
      closed: "Questa conversazione è chiusa.", back: "Sei di nuovo con l'assistente.",
      tooLong: "Questo messaggio è troppo lungo. Potresti accorciarlo?",
      slowDown: "Aspetta un momento prima di inviare un altro messaggio.",
      starting: "Ci stiamo avviando. Riprova tra qualche secondo.",
      failed: "Ci scusiamo, non è stato possibile inviare il tuo messaggio. Riprova.", unsent: "Non inviato",
      unavailable: "Ci scusiamo, questa chat non è disponibile. Usa gli altri modi per contattarci indicati su questo sito.",
      greeting: "Ciao! Chiedimi pure quello che vuoi sul nostro prodotto. Ti rispondo con le informazioni del nostro centro assistenza, oppure ti metto in contatto con una persona."
    },
    pt: {
      open: "Abrir o chat de suporte", closePanel: "Fechar o chat de suporte", dialog: "Chat de suporte", title: "Ajuda", close: "Fechar o chat",
      log: "Conversa", human: "Falar com uma pessoa", none: "Nenhum destes", input: "Sua mensagem", placeholder: "Faça uma pergunta…", send: "Enviar",
      typingLabel: "O assistente está digitando", typing: "Digitando", team: "Equipe de suporte", sources: "Fontes",
      rateGroup: "Avalie nosso suporte de 1 a 5", rate: "Avaliar com {n} de 5", helpful: "Foi útil?", yes: "Sim", no: "Não",
      wasHelpful: "A resposta foi útil", wasNotHelpful: "A resposta não foi útil", thanks: "Obrigado pelo feedback.",
      waiting: "Aguardando uma pessoa da nossa equipe de suporte…", joined: "Uma pessoa da nossa equipe de suporte entrou na conversa.",
      closed: "Esta conversa foi encerrada.", back: "Você voltou a falar com o assistente.",
      tooLong: "Essa mensagem é longa demais. Você poderia encurtá-la?",
      slowDown: "Aguarde um momento antes de enviar outra mensagem.",
      starting: "Estamos iniciando. Tente novamente em alguns segundos.",
      failed: "Desculpe, não foi possível enviar sua mensagem. Tente novamente.", unsent: "Não enviada",
      unavailable: "Desculpe, este chat não está disponível. Use as outras formas de contato deste site.",
      greeting: "Olá! Pergunte o que quiser sobre o nosso produto. Respondo com base na nossa central de ajuda ou chamo uma pessoa."
    }
  };

  // The first language given that the widget has: the script tag's data-lang, the host page's
  // <html lang>, the browser's; "es-MX" counts as "es". English when none of them is one it has.
  function pickLanguage() {
    var given = [script && script.getAttribute("data-lang"), document.documentElement.getAttribute("lang"), navigator.language];
    for (var i = 0; i < given.length; i++) {
      var code = String(given[i] || "").slice(0, 2).toLowerCase();
      if (LABELS.hasOwnProperty(code)) return code;
    }
    return "en";
  }
  var LANG = pickLanguage();
  function t(key, fields) {
    var label = LABELS[LANG][key];
    for (var name in fields || {}) label = label.split("{" + name + "}").join(fields[name]);
    return label;
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#3157d5;color:#fff;font-size:26px;cursor:pointer;box-shadow:0 4px 14px #0003;z-index:2147483000}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:88px;width:370px;height:560px;max-height:calc(100vh - 110px);display:none;flex-direction:column;background:#fff;border-radius:14px;box-shadow:0 10px 40px #0004;overflow:hidden;z-index:2147483000;color:#1d2433}",
    ".panel.open{display:flex}",
    "header{background:#3157d5;color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}",
    "header h2{font-size:16px;margin:0;flex:1}",
    "header button{background:transparent;border:0;color:#fff;font-size:20px;cursor:pointer;padding:4px 8px;border-radius:6px}",
    ".log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px;background:#f6f7fb}",
    ".msg{max-width:85%;padding:9px 12px;border-radius:12px;line-height:1.45;font-size:14px;white-space:pre-wrap;word-wrap:break-word}",
    ".customer{align-self:flex-end;background:#3157d5;color:#fff;border-bottom-right-radius:4px}",
    ".customer.unsent{background:#fff;color:#1d2433;border:1px dashed #c0392b}",
    ".bot,.agent{align-self:flex-start;background:#fff;border:1px solid #e3e6ef;border-bottom-left-radius:4px}",
    ".agent{border-color:#1f9d55}.author{display:block;font-size:12px;font-weight:600;color:#1f9d55;margin-bottom:2px}",
    ".system{align-self:center;font-size:12.5px;color:#5b6478;background:#eceff7;border-radius:10px;padding:6px 10px;text-align:center}",
    ".msg a{color:#3157d5}.customer a{color:#fff}",
    ".sources{margin-top:8px;padding-top:6px;border-top:1px solid #eceef2;font-size:12.5px}",
    // a source without a link (a help center ingested from files without `url`) is a span: one a line too
    // ("SourcesJuniper room sensor › Prices" ran together before)
    ".sources a,.sources span{display:block;margin-top:2px}",
    ".feedback{margin-top:6px;display:flex;gap:6px;align-items:center;font-size:12px;color:#5b6478}",
    ".choices{flex-wrap:wrap}",
    ".feedback button{border:1px solid #d5d9e4;background:#fff;border-radius:12px;padding:2px 9px;cursor:pointer;font-size:12px}",
    ".typing{align-self:flex-start;color:#5b6478;font-size:13px;padding:4px 8px}",
    ".typing span{animation:blink 1.2s infinite;display:inline-block}.typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes blink{0%,80%,100%{opacity:.2}40%{opacity:1}}",
    ".human{margin:0 14px 8px;align-self:flex-start;background:#fff;border:1px solid #3157d5;color:#3157d5;border-radius:16px;padding:5px 12px;cursor:pointer;font-size:13px}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e6ef;background:#fff}",
    "textarea{flex:1;resize:none;border:1px solid #cfd4e0;border-radius:10px;padding:9px;font-size:14px;height:42px;max-height:120px}",
    "form button{background:#3157d5;color:#fff;border:0;border-radius:10px;padding:0 14px;font-size:14px;cursor:pointer}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100vh;max-height:none;border-radius:0}.launcher.hidden{display:none}}",
  ].join("\n");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  // A citation URL as a link target only if it is http(s), absolute or relative to the help page:
  // never javascript:, data:, vbscript: (in any case, behind spaces or control characters), as a
  // stored URL may predate the server's own check (bot/links.py).
  function safeHref(url) {
    if (typeof url !== "string" || !url || /[\u0000-\u0020\u007f-\u009f\\]/.test(url.trim())) return null;
    try { var u = new URL(url.trim(), location.href); } catch (e) { return null; }
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  }

  // Text with bare URLs turned into links, safely (text nodes and <a> elements only).
  function linkify(parent, text) {
    var re = /https?:\/\/[^\s<>()"']+[^\s<>()"'.,;:!?]/g, last = 0, m;
    while ((m = re.exec(text))) {
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = el("a", null, m[0]); a.href = m[0]; a.target = "_blank"; a.rel = "noopener noreferrer";
      parent.appendChild(a); last = m.index + m[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // A bot message's text: the articles a handoff notice offers to read while waiting ("• <title> (<url>)",
  // bot/engine/assistant.py `suggestion_lines`) as links named by their titles, through the same safeHref as
  // an answer's sources (a relative or javascript: URL was left as text, and an absolute one showed raw);
  // any other line with its bare URLs linked.
  var SUGGESTED = /^\u2022 (.+) \((\S+)\)$/;  // escaped: a page may load this file without its charset
  function botText(parent, text) {
    text.split("\n").forEach(function (line, i) {
      if (i) parent.appendChild(document.createTextNode("\n"));
      var m = SUGGESTED.exec(line), href = m && safeHref(m[2]);
      if (!href) { linkify(parent, line); return; }
      parent.appendChild(document.createTextNode("\u2022 "));
      var a = el("a", null, m[1]); a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer"; parent.appendChild(a);
    });
  }

  var host = el("div"); host.id = "supportbot-widget";
  var root = host.attachShadow({ mode: "open" });
  var style = el("style"); style.textContent = CSS; root.appendChild(style);
  // the icon drawn, not an emoji: a machine without a colour-emoji font shows an emoji as an empty box
  var CHAT_ICON = '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H10l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>';
  var launcher = el("button", "launcher");
  launcher.innerHTML = CHAT_ICON;
  launcher.setAttribute("aria-label", t("open")); launcher.setAttribute("aria-expanded", "false");
  var panel = el("section", "panel"); panel.setAttribute("role", "dialog"); panel.setAttribute("aria-label", t("dialog"));
  var header = el("header"); var title = el("h2", null, t("title")); var close = el("button", null, "×");
  close.setAttribute("aria-label", t("close")); header.appendChild(title); header.appendChild(close);
  var log = el("div", "log"); log.setAttribute("role", "log"); log.setAttribute("aria-live", "polite"); log.setAttribute("aria-label", t("log"));
  var human = el("button", "human", t("human")); human.type = "button";
  var form = el("form"); var input = el("textarea"); input.setAttribute("aria-label", t("input"));
  input.placeholder = t("placeholder"); input.rows = 1;
  var send = el("button", null, t("send")); send.type = "submit";
  form.appendChild(input); form.appendChild(send);
  [header, log, human, form].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(launcher); root.appendChild(panel);
  document.body.appendChild(host);

  var typing = null;
  function showTyping(on) {
    if (on && !typing) { typing = el("div", "typing"); typing.setAttribute("aria-label", t("typingLabel"));
      typing.appendChild(document.createTextNode(t("typing") + " ")); for (var i = 0; i < 3; i++) typing.appendChild(el("span", null, "•")); log.appendChild(typing); }
    if (!on && typing) { typing.remove(); typing = null; }
    log.scrollTop = log.scrollHeight;
  }

  var rendered = {};
  function render(message, answered) {
    if (message.id != null && rendered[message.id]) return;
    if (message.id != null) rendered[message.id] = true;
    showTyping(false);
    if (state.streaming && message.role === "bot") { state.streaming.remove(); state.streaming = null; }
    var bubble = el("div", "msg " + (message.role || "bot")); bubble.dir = "auto";  // a message in Arabic or Hebrew reads right to left
    if (message.role === "agent") bubble.appendChild(el("span", "author", message.author || t("team")));
    var cites = message.citations || [];
    // an answer's text ends with its source line, which the box below shows as links: its "body" is
    // the text without that line (the source was shown twice)
    var said = (cites.length && typeof message.body === "string" ? message.body : message.text) || "";
    if (message.role === "bot") botText(bubble, said); else linkify(bubble, said);
    if (cites.length) {
      var box = el("div", "sources"); box.appendChild(el("strong", null, t("sources")));
      cites.forEach(function (c) {
        var href = safeHref(c.url);
        if (!href) { box.appendChild(el("span", null, c.title)); return; }
        var a = el("a", null, c.title); a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer"; box.appendChild(a);
      });
      bubble.appendChild(box);
    }
    // "Helpful?" under an answer from the help center, not under a greeting or a "you're welcome"
    if (message.role === "bot" && message.outcome === "answer" && message.route !== "pleasantry" && message.id != null && voted().indexOf(message.id) < 0) bubble.appendChild(feedback(message.id));
    if (message.role === "bot" && message.outcome === "clarify" && (message.options || []).length) bubble.appendChild(choices(message.options));
    if (message.rating_request && !answered) bubble.appendChild(rating());
    log.appendChild(bubble); log.scrollTop = log.scrollHeight;
    return bubble;
  }

  function rating() {
    var row = el("div", "feedback"); row.setAttribute("role", "group"); row.setAttribute("aria-label", t("rateGroup"));
    ["1", "2", "3", "4", "5"].forEach(function (n) {
      var b = el("button", null, n); b.type = "button"; b.setAttribute("aria-label", t("rate", { n: n }));
      b.addEventListener("click", function () { row.remove(); submit(n); });
      row.appendChild(b);
    });
    return row;
  }

  // a clarification: pressing an article says its title (the server matches it to the options it
  // offered); "none of these" asks for a person, as the header button does
  function choices(options) {
    var row = el("div", "feedback choices"); row.setAttribute("role", "group");
    options.forEach(function (o) {
      var b = el("button", null, o.title); b.type = "button";
      b.addEventListener("click", function () { row.remove(); submit(o.title); });
      row.appendChild(b);
    });
    var none = el("button", null, t("none")); none.type = "button";
    none.addEventListener("click", function () { row.remove(); human.click(); });
    row.appendChild(none);
    return row;
  }

  // the answers this browser has voted on (the server keeps the first vote): no Yes/No again after a reload
  var VOTED = STORE + ":voted";
  function voted() { try { return JSON.parse(localStorage.getItem(VOTED) || "[]"); } catch (e) { return []; } }
  function remember(id) {
    var ids = voted(); if (ids.indexOf(id) < 0) ids.push(id);
    try { localStorage.setItem(VOTED, JSON.stringify(ids.slice(-200))); } catch (e) { /* storage full or off: buttons may come back */ }
  }
  function feedback(id) {
    var row = el("div", "feedback"); row.appendChild(el("span", null, t("helpful")));
    [[t("yes"), true], [t("no"), false]].forEach(function (pair) {
      var b = el("button", null, pair[0]); b.type = "button"; b.setAttribute("aria-label", t(pair[1] ? "wasHelpful" : "wasNotHelpful"));
      b.addEventListener("click", function () {
        api("POST", "/feedback", { message_id: id, helpful: pair[1] }).then(function () { remember(id); row.textContent = t("thanks"); });
      });
      row.appendChild(b);
    });
    return row;
  }

  var STATES = { waiting_for_human: t("waiting"), with_human: t("joined"), bot: null, closed: t("closed") };
  var lastState = null;
  // "Talk to a person" only while the bot has the conversation: queued or with a person, pressing it again
  // asks for nothing new
  function showHuman(s) { human.hidden = s === "waiting_for_human" || s === "with_human"; }
  // `told`: the server's own messages said it (the socket's state follows the notice that came with the
  // change, and a socket that opens catches up on them), so no note of the widget's own: the same news
  // twice. A note is shown once per change, whichever of the HTTP reply and the socket tells it first
  // (under load the socket opened after a first "Talk to a person" was queued, said "waiting", and the
  // reply to a second press added the same note again).
  function onState(s, told) {
    showHuman(s);
    if (s === lastState) return;
    var note = STATES[s]; if (lastState !== null && s === "bot") note = t("back");
    lastState = s; if (note && !told) system(note);
  }

  function system(text) { log.appendChild(el("div", "system", text)); log.scrollTop = log.scrollHeight; }

  function api(method, path, body) {
    var url = BASE + "/api/v1/conversations" + (state.conv ? "/" + state.conv.conversation_id : "") + path;
    var headers = { "Content-Type": "application/json" };
    if (state.conv) headers.Authorization = "Bearer " + state.conv.token;
    return fetch(url, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined }).then(function (r) {
      if (r.status === 204) return null;
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) { var e = new Error(data.error || ("HTTP " + r.status)); e.status = r.status; e.retry = r.headers.get("Retry-After"); throw e; }
        return data;
      });
    });
  }

  function ensureConversation() {
    if (state.conv) return Promise.resolve(state.conv);
    state.conv = null;
    var body = KEY ? { widget_key: KEY } : {};
    if (VISITOR) body.visitor_token = VISITOR;
    return api("POST", "", body).then(function (data) {
      state.conv = data; localStorage.setItem(STORE, JSON.stringify(data)); connect(); return data;
    }, function (e) {
      if (e.status === undefined && BASE !== location.origin && !state.conv) {
        // no answer the page may read: the server is down, or it does not allow this site (CORS; the browser
        // says only "failed"). A no-cors request reaches a server that is up whatever its CORS answer: then
        // trying again cannot help, and the site's owner learns why from the console
        return fetch(BASE + "/healthz", { mode: "no-cors", cache: "no-store" }).then(function () {
          e.setup = true;
          if (window.console) console.error("supportbot widget: the server at " + BASE + " is up, but does not allow this site: add " +
            JSON.stringify(location.origin) + " to the allowed_origins of the tenant's [tenants.NAME.widget] in the tenants file");
          throw e;
        }, function () { throw e; });
      }
      // the server knows no tenant with this key: trying again cannot help ("please try again" forever, on
      // a page whose tenants file lacks it); the site's owner learns which key from the console
      if ((e.status === 401 || (!KEY && (e.status === 400 || e.status === 403))) && !state.conv) {
        e.setup = true;
        if (window.console) console.error("supportbot widget: the server refused a conversation " + (KEY ? "for widget key " + JSON.stringify(KEY) : "without a widget key") +
          " (" + e.message + "): data-widget-key must be a key of the tenants file ([tenants.NAME.widget] keys), and data-visitor-token valid");
      }
      throw e;
    });
  }

  function connect() {
    if (!state.conv || state.socket) return;
    var url = BASE.replace(/^http/, "ws") + "/api/v1/conversations/" + state.conv.conversation_id + "/stream?token=" + encodeURIComponent(state.conv.token);
    var ws = new WebSocket(url); state.socket = ws;
    ws.onopen = function () { state.retry = 0; catchUp(); };
    ws.onmessage = function (event) {
      var data; try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data.type === "typing") showTyping(true);
      else if (data.type === "token") {
        showTyping(false);
        if (!state.streaming) { state.streaming = el("div", "msg bot"); log.appendChild(state.streaming); }
        state.streaming.textContent += data.text; log.scrollTop = log.scrollHeight;
      } else if (data.type === "retract") {  // the streamed text did not check out: it goes, the final reply follows
        if (state.streaming) { state.streaming.remove(); state.streaming = null; }
        showTyping(true);
      } else if (data.type === "message") render(data.message);
      else if (data.type === "state") onState(data.state, true);
    };
    ws.onclose = function () {
      state.socket = null; state.retry = Math.min(state.retry + 1, 6);
      setTimeout(connect, 500 * Math.pow(2, state.retry));  // reconnect with backoff
    };
  }

  // What the server said while the socket was not listening yet (or was down): the queue notice of a
  // "Talk to a person" pressed first thing is posted while the new conversation's socket still opens, and
  // was lost (seen only after a reload; a browser test waited for it in vain under CI's load). The
  // customer's own messages are on screen already (without an id): only the others are caught up.
  function catchUp() {
    api("GET", "/messages").then(function (data) {
      data.messages.forEach(function (m, i) {
        if (m.role === "customer") return;
        render(m, data.messages.slice(i + 1).some(function (later) { return later.role === "customer"; }));
      });
    }).catch(function () {});
  }

  function restore() {
    try { state.conv = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (e) { state.conv = null; }
    if (!state.conv) return;
    // a rating prompt the customer wrote after (their rating, or anything else) gets no buttons again
    api("GET", "/messages").then(function (data) {
      data.messages.forEach(function (m, i) {
        render(m, data.messages.slice(i + 1).some(function (later) { return later.role === "customer"; }));
      });
      if (data.state) onState(data.state);  // after a reload: where the conversation stands, once
      connect();
    }).catch(function (e) {
      if (e.status === 401 || e.status === 404) { localStorage.removeItem(STORE); state.conv = null; }
    });
  }

  function explain(e) {
    if (e.status === 413) return t("tooLong", { detail: e.message });
    if (e.status === 429) return t("slowDown");
    if (e.status === 503) return t("starting");
    if (e.setup) return t("unavailable");
    return t("failed");
  }

  // `typed`: the text came from the input box. When it was not sent (too long, too fast, a network
  // error), its bubble is marked unsent and the text goes back into the box, to shorten or send again:
  // a pasted log of 20 KB was gone, and its bubble read as sent.
  function submit(text, typed) {
    text = text.trim(); if (!text) return;
    var clientId = (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random();
    var bubble = render({ role: "customer", text: text }); showTyping(true); if (typed) input.value = "";
    ensureConversation().then(function () { return api("POST", "/messages", { text: text, client_message_id: clientId }); })
      .then(function (data) { if (data.reply) render(data.reply); else showTyping(false); })
      .catch(function (e) {
        showTyping(false); system(explain(e));
        if (bubble) { bubble.classList.add("unsent"); bubble.setAttribute("title", t("unsent")); }
        if (typed && !input.value) { input.value = text; input.focus(); }
      });
  }

  function setOpen(open) {
    state.open = open; panel.classList.toggle("open", open); launcher.classList.toggle("hidden", open);
    launcher.setAttribute("aria-expanded", String(open)); if (open) launcher.textContent = "×"; else launcher.innerHTML = CHAT_ICON;
    launcher.setAttribute("aria-label", t(open ? "closePanel" : "open"));
    if (open) { if (!log.childElementCount) system(t("greeting")); input.focus(); }
    else launcher.focus();
  }

  launcher.addEventListener("click", function () { setOpen(!state.open); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") setOpen(false); });
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(input.value, true); });
  input.addEventListener("keydown", function (e) { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); submit(input.value, true); } });
  human.addEventListener("click", function () {
    var before = lastState;
    render({ role: "customer", text: t("human") }); showTyping(true);  // shown only: the server hears its own English request (bot/api.py)
    // queued from here on (the server's reply and queue notice say so): the socket's "waiting" adds nothing,
    // whether it comes before the reply or after, and the button goes at once (pressed twice, it asked twice)
    lastState = "waiting_for_human"; showHuman(lastState); input.focus();  // the focus was on the button just hidden
    ensureConversation().then(function () { return api("POST", "/handoff"); }).then(function (data) {
      if (data.reply) { render(data.reply); if (data.reply.outcome !== "handoff") { lastState = before; onState("bot", true); } return; }
      // people owned it already (the widget had not heard yet): no new reply, so say where it stands, once
      showTyping(false); lastState = before; onState(data.state);
    }).catch(function (e) { showTyping(false); system(explain(e)); lastState = before; showHuman(before); });
  });
  restore();
})();
