"""The ANCA-associated vasculitis (GPA, MPA) plugin: indication code AAV; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
