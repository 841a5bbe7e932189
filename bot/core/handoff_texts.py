"""The texts the bot writes to customers about people: the handoff notices (one per HandoffReason) and
what it says while a conversation is with the support team (the queue, out of hours, a contact kept,
someone joining, the rating, back to the bot). Part of the one catalog of bot/core/texts.py, which
`text()` reads and whose rules (every language, the same fields, French spacing) these follow.
"""

from __future__ import annotations

from bot.core.language import NBSP

HANDOFF_TEXTS: dict[str, dict[str, str]] = {
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
    # under a low_confidence notice: the articles that came closest, for the customer to try while a person takes over
    # (bot/engine/assistant.py `suggestions`); one line per article follows
    "handoff_suggestions": {
        "en": "While you wait, these articles might help:",
        "de": "Während Sie warten, helfen vielleicht diese Artikel:",
        "fr": f"En attendant, ces articles pourraient vous aider{NBSP}:",
        "es": "Mientras esperas, estos artículos podrían ayudarte:",
        "it": "Nell'attesa, questi articoli potrebbero esserti utili:",
        "pt": "Enquanto espera, estes artigos podem ajudar:",
    },
    "handoff_suggestion": {
        "en": "While you wait, this article might help:",
        "de": "Während Sie warten, hilft vielleicht dieser Artikel:",
        "fr": f"En attendant, cet article pourrait vous aider{NBSP}:",
        "es": "Mientras esperas, este artículo podría ayudarte:",
        "it": "Nell'attesa, questo articolo potrebbe esserti utile:",
        "pt": "Enquanto espera, este artigo pode ajudar:",
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
    # {wait} is one of the wait_* texts, told only when recent claims support a number (handoff/wait_estimate.py);
    # without one the customer is told their place alone
    "queue_position": {
        "en": "You're number {position} in the queue; the estimated wait is {wait}.",
        "de": "Sie sind Nummer {position} in der Warteschlange; die geschätzte Wartezeit beträgt {wait}.",
        "fr": f"Vous êtes en position {{position}} dans la file d'attente. Temps d'attente estimé{NBSP}: {{wait}}.",
        "es": "Estás en el puesto {position} de la cola; el tiempo de espera estimado es de {wait}.",
        "it": "Sei in posizione {position} nella coda; l'attesa stimata è di {wait}.",
        "pt": "Você está na posição {position} da fila; o tempo de espera estimado é de {wait}.",
    },
    # asked for a person again while waiting, nothing changed since they were told their place
    "queue_still": {
        "en": "You're still in the queue; a person from our support team will reply here as soon as they can.",
        "de": "Sie sind weiterhin in der Warteschlange; eine Person aus unserem Support-Team antwortet Ihnen hier, sobald sie kann.",
        "fr": "Vous êtes toujours dans la file d'attente. Une personne de notre équipe support vous répondra ici dès que possible.",
        "es": "Sigues en la cola; una persona de nuestro equipo de soporte te responderá aquí lo antes posible.",
        "it": "Sei ancora in coda; una persona del nostro team di supporto ti risponderà qui appena possibile.",
        "pt": "Você continua na fila; uma pessoa da nossa equipe de suporte vai responder aqui assim que puder.",
    },
    "queue_position_no_estimate": {
        "en": "You're number {position} in the queue; a person from our support team will reply here as soon as they can.",
        "de": "Sie sind Nummer {position} in der Warteschlange; eine Person aus unserem Support-Team antwortet Ihnen hier, sobald sie kann.",
        "fr": "Vous êtes en position {position} dans la file d'attente. Une personne de notre équipe support vous répondra ici dès que possible.",
        "es": "Estás en el puesto {position} de la cola; una persona de nuestro equipo de soporte te responderá aquí lo antes posible.",
        "it": "Sei in posizione {position} nella coda; una persona del nostro team di supporto ti risponderà qui appena possibile.",
        "pt": "Você está na posição {position} da fila; uma pessoa da nossa equipe de suporte vai responder aqui assim que puder.",
    },
    "wait_under": {"en": "under {n} minutes", "de": "weniger als {n} Minuten", "fr": "moins de {n} minutes", "es": "menos de {n} minutos",
                   "it": "meno di {n} minuti", "pt": "menos de {n} minutos"},
    "wait_about": {"en": "about {n} minutes", "de": "etwa {n} Minuten", "fr": "environ {n} minutes", "es": "unos {n} minutos",
                   "it": "circa {n} minuti", "pt": "cerca de {n} minutos"},
    "wait_over": {"en": "more than {n} minutes", "de": "mehr als {n} Minuten", "fr": "plus de {n} minutes", "es": "más de {n} minutos",
                  "it": "più di {n} minuti", "pt": "mais de {n} minutos"},
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
}
# the error notice says the same as the model failure one
HANDOFF_TEXTS["handoff_error"] = HANDOFF_TEXTS["handoff_model_failure"]
# the customer typed that the answer did not help ("that didn't help", policies/pleasantries.py `unhelped`); the
# "not helpful" button's handoff is answered by the dispatcher's own text
HANDOFF_TEXTS["handoff_not_helpful"] = {
    "en": "Sorry that didn't help. I'm passing you to a person from our support team; they will reply here.",
    "de": "Das tut mir leid. Ich verbinde Sie mit einer Person aus unserem Support-Team; sie antwortet Ihnen hier.",
    "fr": "Désolé que cela ne vous ait pas aidé. Je vous passe une personne de notre équipe support, qui vous répondra ici.",
    "es": "Siento que no te haya ayudado. Te paso con una persona de nuestro equipo de soporte; te responderá aquí.",
    "it": "Mi dispiace che non ti sia stato utile. Ti passo a una persona del nostro team di supporto, che ti risponderà qui.",
    "pt": "Desculpe, isso não ajudou. Vou passar você para uma pessoa da nossa equipe de suporte; ela vai responder aqui.",
}

# Monday first (`datetime.weekday()`), as the "offline" text puts them
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "es": ("el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "el sábado", "el domingo"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "pt": ("na segunda-feira", "na terça-feira", "na quarta-feira", "na quinta-feira", "na sexta-feira", "no sábado", "no domingo"),
}
