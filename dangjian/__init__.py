"""社区党建工作平台: the records, rule checks and reports of community Party organizations."""
