"""The application: the composition root, the web app, API, admin and the CLI; may import anything."""
