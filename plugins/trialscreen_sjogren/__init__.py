"""The Sjögren's disease plugin: indication code SJOGREN; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
