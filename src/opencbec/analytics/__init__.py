"""Statistical monitoring (统计监测): read-only queries over the domains' records. No domain
imports it."""
