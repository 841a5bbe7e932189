"""One error hierarchy; caught at the boundaries (CLI, HTTP handlers, channel edges)."""

from __future__ import annotations


class SupportbotError(Exception):
    """Base of every error this project raises on purpose. Messages are safe to show users."""


class ConfigError(SupportbotError):
    """Missing or invalid configuration; raised at start, never later."""


class InputError(SupportbotError):
    """The user's input is unusable (empty, too long, unsupported)."""


class StoreBusyError(SupportbotError):
    """The embedded Milvus Lite store is held by another process (usually `supportbot serve`)."""


class StageError(SupportbotError):
    """A pipeline stage failed; the pipeline apologises and hands off."""


class ModelError(StageError):
    """A model tier failed (timeout, bad output, provider down)."""
