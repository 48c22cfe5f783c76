"""Pure domain core: content model, scoring, levels, recommendations. No web framework, no database, no I/O
beyond reading content files in `content_loader`, no clock."""
