"""Writing aids shared by every Markdown form: the server-rendered preview."""
