"""The Idiopathic inflammatory myopathy plugin: indication code IIM; its scores, classification criteria and
predicates register through the hooks in `plugin`."""
