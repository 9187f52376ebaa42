// Package starter writes a starter ondelete.yaml for a schema that has
// none yet: the roots a "delete my account" flow starts from (user-like
// tables, else the most-referenced one), one rule per root that every
// foreign key into it cascades or sets NULL, every lint at its default
// severity, and comments summarising today's state so a team sees what the
// policy would report before turning it on. It is pure: snapshot in, YAML
// text out.
package starter
