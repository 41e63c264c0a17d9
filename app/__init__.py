"""Ponder: a private desktop chat app for Qwen3 reasoning models."""

__version__ = "0.1.0"
