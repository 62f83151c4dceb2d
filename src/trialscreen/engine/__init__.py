"""Evaluation: compile a ruleset against the loaded plugins (`compile`), evaluate the lowered condition trees with
durable-rules (`durable_backend`) or plain Python (`python_backend`), and assemble the report (`evaluate`)."""
