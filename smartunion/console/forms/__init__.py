"""The console's forms, one module per domain. They parse and keep the user's input; the services
decide what is valid."""
