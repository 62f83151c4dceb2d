"""Typed patient facts: the one input model every evaluation starts from."""

from trialscreen.model.patient import Patient

__all__ = ["Patient"]
