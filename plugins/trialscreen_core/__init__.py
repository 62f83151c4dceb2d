"""The core plugin: the vocabularies every ruleset shares (observation tests, history categories, the drug
catalogue), the core derived values (age, creatinine clearance, eGFR, QTc, glucocorticoid doses) and the
built-in rulesets. It registers through the ``trialscreen.plugins`` entry point like any other plugin."""
