"""The Immune thrombocytopenia plugin: indication code ITP; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
