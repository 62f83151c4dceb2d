"""From a patient record to facts: normalisation (`record`), the context plugins compute from (`context`), and
the resolution of ruleset leaves into facts with evidence (`resolve`)."""
