"""The kernel: machinery two or more modules need, carrying no module's vocabulary and importing no module.

Roles (`roles`), a service's refusal on a form or in the API shape (`forms`, `api`), the gapless counter
(`counter`), document rendering (`documents`, `words`), the verification registry and its public page
(`verification`, `views`), the error pages (`pages`) and `jamaa module new` (`scaffold`). See docs/kernel.md.
"""
