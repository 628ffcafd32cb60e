"""`python -m crmkit`, the same as the `crmkit` command."""

from crmkit.entry import main

main()
