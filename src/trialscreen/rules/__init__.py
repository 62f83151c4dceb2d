"""The ruleset language: the model (`model`), loading with line numbers (`loader`), and the catalogue of
installed rulesets (`catalogue`)."""
