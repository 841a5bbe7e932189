"""The conversation engine: imports bot.core, knowledge and policies (never handoff or a channel)."""
