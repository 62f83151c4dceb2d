"""The Antiphospholipid syndrome plugin: indication code APS; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
