"""Server-rendered public pages: the sub-processor list, the agreement, the subscribe form and the embed."""
