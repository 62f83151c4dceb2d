"""The Systemic sclerosis plugin: indication code SSC; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
