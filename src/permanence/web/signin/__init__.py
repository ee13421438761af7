"""How people sign in: a second factor, single sign-on through the authority's own
identity provider, and the sessions a person has open (docs/security.md, "Signing in")."""
