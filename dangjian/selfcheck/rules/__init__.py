"""Self-check rules: one module per rule, each registering itself with `@rule(...)` from
dangjian.selfcheck.engine. Modules whose name starts with "_" are helpers. Adding a rule: one module
here and one test in dangjian/selfcheck/tests/."""
