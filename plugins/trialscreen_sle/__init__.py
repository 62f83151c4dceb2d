"""The Systemic lupus erythematosus plugin: indication code SLE; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
