"""One outbox for everything the bot posts on its own (see ``model`` and ``service``)."""
