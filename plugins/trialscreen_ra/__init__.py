"""The Rheumatoid arthritis plugin: indication code RA; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
