"""The texts the bot itself writes to customers, in each language bot/core/language.py recognizes.

One catalog, a key per text and every language of a text side by side, so a new text or a new
language shows where something is missing (tests/bot/test_texts.py checks each text has every
language, with the same fields). `text(key, lang, **fields)` picks one and fills its {fields};
a language the catalog lacks gets English. The form of address is the one each language's support
texts usually take, the same in every text: Sie, vous, tú, tu, você. French puts a no-break
space before ? ! ; and : (U+00A0, so a chat window never wraps the mark onto a line of its own).
"""

from __future__ import annotations

from datetime import datetime

from bot.core.language import ENGLISH

NBSP = "\u00a0"

TEXTS: dict[str, dict[str, str]] = {
    # handoff notices, one per HandoffReason (bot/engine/pipeline.py): "handoff_" + the reason's value
    "handoff_customer_request": {
        "en": "Sure, I'm passing you to a person from our support team. They will reply here.",
        "de": "Gern, ich verbinde Sie mit einer Person aus unserem Support-Team. Sie antwortet Ihnen hier.",
        "fr": "Bien sûr, je vous mets en relation avec une personne de notre équipe support. Elle vous répondra ici.",
        "es": "Claro, te paso con una persona de nuestro equipo de soporte. Te responderá aquí.",
        "it": "Certo, ti metto in contatto con una persona del nostro team di supporto. Ti risponderà qui.",
        "pt": "Claro, vou passar você para uma pessoa da nossa equipe de suporte. Ela vai responder aqui.",
    },
    "handoff_no_answer": {
        "en": "I couldn't find this in our help center, so I'm passing your question to a person from our support team.",
        "de": "Das habe ich in unserem Hilfe-Center nicht gefunden, darum gebe ich Ihre Frage an eine Person aus unserem Support-Team weiter.",
        "fr": "Je n'ai pas trouvé cela dans notre centre d'aide, je transmets donc votre question à une personne de notre équipe support.",
        "es": "No encontré esto en nuestro centro de ayuda, así que paso tu pregunta a una persona de nuestro equipo de soporte.",
        "it": "Non ho trovato questa informazione nel nostro centro assistenza, quindi passo la tua domanda a una persona del nostro team di supporto.",
        "pt": "Não encontrei isso na nossa central de ajuda, então estou passando sua pergunta para uma pessoa da nossa equipe de suporte.",
    },
    "handoff_low_confidence": {
        "en": "I'm not sure enough to answer this, so I'm passing it to a person from our support team.",
        "de": "Ich bin mir nicht sicher genug, darum gebe ich Ihre Frage an eine Person aus unserem Support-Team weiter.",
        "fr": "Je ne suis pas assez sûr de ma réponse, je transmets donc votre question à une personne de notre équipe support.",
        "es": "No estoy lo bastante seguro para responder, así que paso tu pregunta a una persona de nuestro equipo de soporte.",
        "it": "Non sono abbastanza sicuro per rispondere, quindi passo la tua domanda a una persona del nostro team di supporto.",
        "pt": "Não tenho certeza suficiente para responder, então estou passando sua pergunta para uma pessoa da nossa equipe de suporte.",
    },
    "handoff_policy": {
        "en": "A person from our support team handles this kind of request. I've passed it on.",
        "de": "Solche Anliegen bearbeitet eine Person aus unserem Support-Team. Ich habe es weitergegeben.",
        "fr": "Une personne de notre équipe support traite ce type de demande. Je la lui ai transmise.",
        "es": "Una persona de nuestro equipo de soporte se encarga de este tipo de solicitudes. Ya se la he pasado.",
        "it": "Questo tipo di richieste è gestito da una persona del nostro team di supporto. L'ho inoltrata.",
        "pt": "Uma pessoa da nossa equipe de suporte cuida desse tipo de pedido. Já encaminhei.",
    },
    "handoff_model_failure": {
        "en": "Sorry, something went wrong on our side. I've passed your question to a person from our support team.",
        "de": "Entschuldigung, bei uns ist etwas schiefgegangen. Ich habe Ihre Frage an eine Person aus unserem Support-Team weitergegeben.",
        "fr": "Désolé, un problème est survenu de notre côté. J'ai transmis votre question à une personne de notre équipe support.",
        "es": "Lo sentimos, algo falló de nuestro lado. He pasado tu pregunta a una persona de nuestro equipo de soporte.",
        "it": "Ci scusiamo, qualcosa è andato storto da parte nostra. Ho passato la tua domanda a una persona del nostro team di supporto.",
        "pt": "Desculpe, algo deu errado do nosso lado. Passei sua pergunta para uma pessoa da nossa equipe de suporte.",
    },
    # while the conversation is handed off (handoff/service.py)
    "queue_position": {
        "en": "You're number {position} in the queue; the estimated wait is about {wait}.",
        "de": "Sie sind Nummer {position} in der Warteschlange; die geschätzte Wartezeit beträgt etwa {wait}.",
        "fr": "Vous êtes en position {position} dans la file d'attente. Le temps d'attente estimé est d'environ {wait}.",
        "es": "Estás en el puesto {position} de la cola; el tiempo de espera estimado es de aproximadamente {wait}.",
        "it": "Sei in posizione {position} nella coda; l'attesa stimata è di circa {wait}.",
        "pt": "Você está na posição {position} da fila; o tempo de espera estimado é de cerca de {wait}.",
    },
    "minute": {"en": "{n} minute", "de": "{n} Minute", "fr": "{n} minute", "es": "{n} minuto", "it": "{n} minuto", "pt": "{n} minuto"},
    "minutes": {"en": "{n} minutes", "de": "{n} Minuten", "fr": "{n} minutes", "es": "{n} minutos", "it": "{n} minuti", "pt": "{n} minutos"},
    # {day} is a `WEEKDAYS` entry, with the article or preposition its language puts before it
    "offline": {
        "en": "Our support team is offline right now; they're back {day} at {time} ({zone}). Your request stays in the queue. "
              "If you'd like an answer by e-mail, leave your e-mail address here.",
        "de": "Unser Support-Team ist gerade nicht erreichbar und ab {day} um {time} Uhr ({zone}) wieder für Sie da. Ihre Anfrage bleibt "
              "in der Warteschlange. Wenn Sie eine Antwort per E-Mail möchten, hinterlassen Sie hier bitte Ihre E-Mail-Adresse.",
        "fr": "Notre équipe support est hors ligne pour le moment. Elle sera de retour {day} à {time} ({zone}). Votre demande reste dans "
              "la file d'attente. Si vous souhaitez une réponse par e-mail, laissez-nous votre adresse e-mail ici.",
        "es": "Nuestro equipo de soporte no está disponible en este momento; vuelve {day} a las {time} ({zone}). Tu solicitud sigue en la "
              "cola. Si prefieres una respuesta por correo electrónico, déjanos aquí tu dirección de correo.",
        "it": "Il nostro team di supporto al momento non è disponibile; torna {day} alle {time} ({zone}). La tua richiesta resta in coda. "
              "Se preferisci una risposta via e-mail, lascia qui il tuo indirizzo e-mail.",
        "pt": "Nossa equipe de suporte não está disponível no momento; ela volta {day} às {time} ({zone}). Sua solicitação continua na "
              "fila. Se preferir uma resposta por e-mail, deixe seu endereço de e-mail aqui.",
    },
    "contact_kept": {
        "en": "Thanks, our support team will reply to {address} if they can't reach you here.",
        "de": "Danke, unser Support-Team antwortet Ihnen an {address}, falls es Sie hier nicht erreicht.",
        "fr": "Merci, notre équipe support vous répondra à {address} si elle ne peut pas vous joindre ici.",
        "es": "Gracias, nuestro equipo de soporte te responderá a {address} si no puede contactarte aquí.",
        "it": "Grazie, il nostro team di supporto ti risponderà a {address} se non riesce a contattarti qui.",
        "pt": "Obrigado, nossa equipe de suporte vai responder para {address} se não conseguir falar com você aqui.",
    },
    "joined": {
        "en": "{name} from our support team has joined the conversation.",
        "de": "{name} aus unserem Support-Team ist dem Gespräch beigetreten.",
        "fr": "{name} de notre équipe support a rejoint la conversation.",
        "es": "{name} de nuestro equipo de soporte se ha unido a la conversación.",
        "it": "{name} del nostro team di supporto ora partecipa alla conversazione.",
        "pt": "{name} da nossa equipe de suporte entrou na conversa.",
    },
    "someone_joined": {
        "en": "Someone from our support team has joined the conversation.",
        "de": "Jemand aus unserem Support-Team ist dem Gespräch beigetreten.",
        "fr": "Quelqu'un de notre équipe support a rejoint la conversation.",
        "es": "Alguien de nuestro equipo de soporte se ha unido a la conversación.",
        "it": "Una persona del nostro team di supporto ora partecipa alla conversazione.",
        "pt": "Alguém da nossa equipe de suporte entrou na conversa.",
    },
    "rating_prompt": {
        "en": "Your conversation with our support team is resolved. How did we do? Reply with a number from 1 (poor) to 5 (great).",
        "de": "Ihr Anliegen an unser Support-Team ist erledigt. Wie zufrieden waren Sie? Antworten Sie bitte mit einer Zahl von "
              "1 (schlecht) bis 5 (sehr gut).",
        "fr": f"Votre conversation avec notre équipe support est résolue. Comment avons-nous fait{NBSP}? Répondez par un chiffre de "
              "1 (mauvais) à 5 (excellent).",
        "es": "Tu conversación con nuestro equipo de soporte está resuelta. ¿Qué tal lo hicimos? Responde con un número del 1 (malo) "
              "al 5 (excelente).",
        "it": "La tua conversazione con il nostro team di supporto è stata risolta. Com'è andata? Rispondi con un numero da 1 (scarso) "
              "a 5 (ottimo).",
        "pt": "Sua conversa com a nossa equipe de suporte foi resolvida. Como nos saímos? Responda com um número de 1 (ruim) a 5 (ótimo).",
    },
    "rating_thanks": {
        "en": "Thanks for rating us!",
        "de": "Vielen Dank für Ihre Bewertung!",
        "fr": f"Merci pour votre évaluation{NBSP}!",
        "es": "¡Gracias por tu valoración!",
        "it": "Grazie per la tua valutazione!",
        "pt": "Obrigado pela sua avaliação!",
    },
    "back_to_bot": {
        "en": "You're chatting with the bot again. Ask me anything, or ask for a person whenever you like.",
        "de": "Sie chatten jetzt wieder mit dem Bot. Fragen Sie mich, was Sie möchten, oder bitten Sie jederzeit um eine Person.",
        "fr": "Vous discutez de nouveau avec le bot. Posez-moi vos questions, ou demandez à parler à une personne quand vous le souhaitez.",
        "es": "Vuelves a hablar con el bot. Pregúntame lo que quieras o pide hablar con una persona cuando quieras.",
        "it": "Ora stai di nuovo parlando con il bot. Chiedimi pure quello che vuoi, oppure chiedi di parlare con una persona quando preferisci.",
        "pt": "Você está conversando com o bot de novo. Pergunte o que quiser ou peça para falar com uma pessoa quando preferir.",
    },
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
# the error notice says the same as the model failure one
TEXTS["handoff_error"] = TEXTS["handoff_model_failure"]
# never shown by the assistant (that handoff starts from a button press, answered by the dispatcher's own
# text); here so every HandoffReason has a notice
TEXTS["handoff_not_helpful"] = TEXTS["handoff_customer_request"]

# Monday first (`datetime.weekday()`), as the "offline" text puts them
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "el sábado", "el domingo"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "pt": ("na segunda-feira", "na terça-feira", "na quarta-feira", "na quinta-feira", "na sexta-feira", "no sábado", "no domingo"),
}


def text(key: str, lang: str, **fields: object) -> str:
    """The text `key` in `lang` (English when the catalog lacks that language), its {fields} filled."""
    variants = TEXTS[key]
    return variants.get(lang, variants[ENGLISH]).format(**fields)


def wait_minutes(minutes: int, lang: str) -> str:
    """"1 minute", "5 minutes": the queue text's {wait}."""
    return text("minute" if minutes == 1 else "minutes", lang, n=minutes)


def offline_notice(back: datetime, lang: str) -> str:
    """Staff are out of hours and back at `back` (a local, aware time): day and time as people there read them."""
    day = WEEKDAYS.get(lang, WEEKDAYS[ENGLISH])[back.weekday()]
    return text("offline", lang, day=day, time=f"{back:%H:%M}", zone=back.tzname())


def ask_for_a_person(channel: str, lang: str) -> str:
    """How to ask for a person on `channel` ("telegram", "slack"; any other: in words)."""
    return text(f"ask_{channel}" if f"ask_{channel}" in TEXTS else "ask_other", lang)
