"""The texts the bot itself writes to customers, in each language bot/core/language.py recognizes.

One catalog, a key per text and every language of a text side by side, so a new text or a new
language shows where something is missing (tests/bot/test_texts.py checks each text has every
language, with the same fields; the handoff notices and what the bot says while a conversation is
with the support team are in bot/core/handoff_texts.py). `text(key, lang, **fields)` picks one and
fills its {fields}; a language the catalog lacks gets English. The form of address is the one each
language's support texts usually take, the same in every text: Sie, vous, tú, tu, você. French puts
a no-break space before ? ! ; and : (U+00A0, so a chat window never wraps the mark onto a line of
its own).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.handoff_texts import HANDOFF_TEXTS, WEEKDAYS
from bot.core.language import ENGLISH, NBSP

TEXTS: dict[str, dict[str, str]] = {
    **HANDOFF_TEXTS,
    # answers to commands, files and buttons (bot/engine/dispatch.py); {ask} is one of the ask_* texts, an imperative
    "greeting": {
        "en": "Hi! I answer questions from our help center, with links to read more. Ask me anything, or {ask}.",
        "de": "Hallo! Ich beantworte Fragen mithilfe unseres Hilfe-Centers, mit Links zum Weiterlesen. Fragen Sie mich, was Sie möchten, "
              "oder {ask}.",
        "fr": f"Bonjour{NBSP}! Je réponds aux questions à l'aide de notre centre d'aide, avec des liens pour en savoir plus. "
              "Posez-moi vos questions, ou {ask}.",
        "es": "¡Hola! Respondo preguntas con la información de nuestro centro de ayuda, con enlaces para leer más. Pregúntame lo que "
              "quieras o {ask}.",
        "it": "Ciao! Rispondo alle domande con le informazioni del nostro centro assistenza, con link per approfondire. Chiedimi pure "
              "quello che vuoi, oppure {ask}.",
        "pt": "Olá! Respondo a perguntas com base na nossa central de ajuda, com links para saber mais. Pergunte o que quiser ou {ask}.",
    },
    # a message that is only a greeting, a thank-you or a goodbye (policies/pleasantries.py)
    "pleasantry_greeting": {
        "en": "Hi! What can I help you with?",
        "de": "Hallo! Wobei kann ich Ihnen helfen?",
        "fr": f"Bonjour{NBSP}! Comment puis-je vous aider{NBSP}?",
        "es": "¡Hola! ¿En qué puedo ayudarte?",
        "it": "Ciao! Come posso aiutarti?",
        "pt": "Olá! Em que posso ajudar?",
    },
    "pleasantry_thanks": {
        "en": "You're welcome! Is there anything else I can help with?",
        "de": "Gern geschehen! Kann ich Ihnen sonst noch helfen?",
        "fr": f"Avec plaisir{NBSP}! Puis-je vous aider pour autre chose{NBSP}?",
        "es": "¡De nada! ¿Puedo ayudarte con algo más?",
        "it": "Prego! Posso aiutarti con qualcos'altro?",
        "pt": "De nada! Posso ajudar com mais alguma coisa?",
    },
    "pleasantry_ack": {  # "ok", "got it": what the customer does next is theirs to say
        "en": "Is there anything else I can help with?",
        "de": "Kann ich Ihnen sonst noch helfen?",
        "fr": f"Puis-je vous aider pour autre chose{NBSP}?",
        "es": "¿Puedo ayudarte con algo más?",
        "it": "Posso aiutarti con qualcos'altro?",
        "pt": "Posso ajudar com mais alguma coisa?",
    },
    "pleasantry_bye": {
        "en": "Goodbye, and thanks for getting in touch!",
        "de": "Auf Wiedersehen und danke für Ihre Nachricht!",
        "fr": "Au revoir, et merci de nous avoir contactés !".replace(" !", f"{NBSP}!"),
        "es": "¡Adiós, y gracias por escribirnos!",
        "it": "Arrivederci, e grazie per averci scritto!",
        "pt": "Até logo, e obrigado pelo contato!",
    },
    "attachment_note": {
        "en": "Thanks, I've kept your file for our support team. I can only read text myself, so please tell me in a few words "
              "what the problem is, or {ask}.",
        "de": "Danke, ich habe Ihre Datei für unser Support-Team aufbewahrt. Ich selbst kann nur Text lesen: Beschreiben Sie mir das "
              "Problem bitte in ein paar Worten, oder {ask}.",
        "fr": "Merci, j'ai conservé votre fichier pour notre équipe support. Je ne peux lire que du texte, alors décrivez-moi le "
              "problème en quelques mots, ou {ask}.",
        "es": "Gracias, he guardado tu archivo para nuestro equipo de soporte. Yo solo puedo leer texto, así que cuéntame en pocas "
              "palabras cuál es el problema o {ask}.",
        "it": "Grazie, ho conservato il tuo file per il nostro team di supporto. Io posso leggere solo testo, quindi descrivimi il "
              "problema in poche parole, oppure {ask}.",
        "pt": "Obrigado, guardei seu arquivo para a nossa equipe de suporte. Eu só consigo ler texto, então me conte em poucas "
              "palavras qual é o problema ou {ask}.",
    },
    "too_long": {
        "en": "That message is too long for me ({length} characters; the limit is {limit}). Could you shorten it?",
        "de": "Diese Nachricht ist mir zu lang ({length} Zeichen; die Grenze liegt bei {limit}). Könnten Sie sie kürzen?",
        "fr": f"Ce message est trop long pour moi ({{length}} caractères{NBSP}; la limite est de {{limit}}). Pourriez-vous le raccourcir{NBSP}?",
        "es": "Ese mensaje es demasiado largo para mí ({length} caracteres; el límite es {limit}). ¿Podrías acortarlo?",
        "it": "Questo messaggio è troppo lungo per me ({length} caratteri; il limite è {limit}). Potresti accorciarlo?",
        "pt": "Essa mensagem é longa demais para mim ({length} caracteres; o limite é {limit}). Você poderia encurtá-la?",
    },
    "feedback_thanks": {
        "en": "Thanks for the feedback!",
        "de": "Danke für Ihr Feedback!",
        "fr": f"Merci pour votre retour{NBSP}!",
        "es": "¡Gracias por tu opinión!",
        "it": "Grazie per il feedback!",
        "pt": "Obrigado pelo feedback!",
    },
    "feedback_sorry": {
        "en": "Thanks for telling me. You can also {ask}.",
        "de": "Danke für den Hinweis. Wenn Sie möchten, {ask}.",
        "fr": "Merci de me l'avoir signalé. Si vous le souhaitez, {ask}.",
        "es": "Gracias por decírmelo. Si quieres, {ask}.",
        "it": "Grazie per avermelo detto. Se vuoi, {ask}.",
        "pt": "Obrigado por avisar. Se quiser, {ask}.",
    },
    # the buttons under an answer or note (bot/engine/channel_replies.py `FEEDBACK_ACTIONS`): short
    "button_helpful": {"en": "👍 Helpful", "de": "👍 Hilfreich", "fr": "👍 Utile", "es": "👍 Útil", "it": "👍 Utile", "pt": "👍 Útil"},
    "button_not_helpful": {
        "en": "👎 Not helpful", "de": "👎 Nicht hilfreich", "fr": "👎 Pas utile", "es": "👎 No me ayudó", "it": "👎 Non utile",
        "pt": "👎 Não ajudou",
    },
    "button_human": {
        "en": "Talk to a person", "de": "Mit einer Person sprechen", "fr": "Parler à une personne", "es": "Hablar con una persona",
        "it": "Parla con una persona", "pt": "Falar com uma pessoa",
    },
    # the question when the evidence is split between a few articles (outcome `clarify`), and the
    # button under its options that hands over to a person
    "clarify": {
        "en": "I found a few articles that could fit. Which one do you mean?",
        "de": "Ich habe mehrere passende Artikel gefunden. Welchen meinen Sie?",
        "fr": f"J'ai trouvé plusieurs articles qui pourraient convenir. Lequel voulez-vous dire{NBSP}?",
        "es": "He encontrado varios artículos que podrían servir. ¿Cuál quieres decir?",
        "it": "Ho trovato alcuni articoli che potrebbero andare bene. Quale intendi?",
        "pt": "Encontrei alguns artigos que podem servir. Qual deles você quer dizer?",
    },
    "button_none": {
        "en": "None of these", "de": "Keiner davon", "fr": "Aucun de ceux-ci", "es": "Ninguno de estos", "it": "Nessuno di questi",
        "pt": "Nenhum destes",
    },
    # the label before an answer's links (channels/slack.py), and the extractive answer's source line (bot/engine/answering.py)
    "sources": {
        "en": "Sources: {links}", "de": "Quellen: {links}", "fr": f"Sources{NBSP}: {{links}}", "es": "Fuentes: {links}",
        "it": "Fonti: {links}", "pt": "Fontes: {links}",
    },
    "source": {
        "en": "Source: {title}", "de": "Quelle: {title}", "fr": f"Source{NBSP}: {{title}}", "es": "Fuente: {title}",
        "it": "Fonte: {title}", "pt": "Fonte: {title}",
    },
    # how to ask for a person, in each channel's own terms (Slack has no /human command: there the
    # customer says so, and the request is recognized by meaning, or presses the button)
    "ask_telegram": {
        "en": "send /human to talk to a person",
        "de": "senden Sie /human, um mit einer Person zu sprechen",
        "fr": "envoyez /human pour parler à une personne",
        "es": "envía /human para hablar con una persona",
        "it": "invia /human per parlare con una persona",
        "pt": "envie /human para falar com uma pessoa",
    },
    "ask_slack": {
        "en": "say \"talk to a person\" and I'll bring one in",
        "de": "schreiben Sie „mit einer Person sprechen“, dann hole ich jemanden dazu",
        "fr": f"écrivez «{NBSP}parler à une personne{NBSP}» et je fais venir quelqu'un",
        "es": "escribe «hablar con una persona» y te paso con alguien",
        "it": "scrivi «parlare con una persona» e ti metto in contatto con qualcuno",
        "pt": "escreva “falar com uma pessoa” e eu chamo alguém",
    },
    "ask_other": {
        "en": "ask for a person",
        "de": "bitten Sie um eine Person",
        "fr": "demandez à parler à une personne",
        "es": "pide hablar con una persona",
        "it": "chiedi di parlare con una persona",
        "pt": "peça para falar com uma pessoa",
    },
}


def text(key: str, lang: str, **fields: object) -> str:
    """The text `key` in `lang` (English when the catalog lacks that language), its {fields} filled."""
    variants = TEXTS[key]
    return variants.get(lang, variants[ENGLISH]).format(**fields)


def wait_phrase(kind: str, minutes: int, lang: str) -> str:
    """"under 2 minutes", "about 5 minutes", "more than 30 minutes" (`kind`: under, about, over): the queue text's {wait}."""
    return text(f"wait_{kind}", lang, n=minutes)


def source_line(*, title: str, url: str | None, lang: str) -> str:
    """"Source: <title> (<url>)": the line an extractive answer ends with (bot/engine/answering.py), built
    here alone so that a client which lists the answer's citations itself can find it again
    (`without_source_line`)."""
    return text("source", lang, title=title) + (f" ({url})" if url else "")


def without_source_line(answer: str, *, title: str, url: str | None) -> str | None:
    """`answer` without the source line (in any language of the catalog) that ends it, or None when it
    ends with none. The line names the answer's first citation: the widget shows the citations in a
    box of its own and showed the source twice (bot/core/messages.py `Message.to_json`, "body")."""
    for lang in TEXTS["source"]:
        ending = "\n\n" + source_line(title=title, url=url, lang=lang)
        if answer.endswith(ending) and len(answer) > len(ending):
            return answer[: -len(ending)]
    return None


def offline_notice(back: datetime, lang: str) -> str:
    """Staff are out of hours and back at `back` (a local, aware time): day and time as people there read them."""
    day = WEEKDAYS.get(lang, WEEKDAYS[ENGLISH])[back.weekday()]
    return text("offline", lang, day=day, time=f"{back:%H:%M}", zone=back.tzname())


def ask_for_a_person(channel: str, lang: str) -> str:
    """How to ask for a person on `channel` ("telegram", "slack"; any other: in words)."""
    return text(f"ask_{channel}" if f"ask_{channel}" in TEXTS else "ask_other", lang)
