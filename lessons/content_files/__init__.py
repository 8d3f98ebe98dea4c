"""Content as files: tracks, modules, lessons and skill frameworks in git-friendly text.

- `syntax`: TOML headers between `+++` lines, marked headings, Markdown bodies.
- `documents`: what each file says, as plain data, read and written (no models).
- `sync`: lessons' own rows between the database and documents; other apps
  register the parts they own (the Your Turn) with `register_lesson_part`.
- `plan`: what an import creates, changes, archives and deletes, and the one
  place it writes.
- `document_import`: a guide written as an ordinary Markdown or Word document,
  recognised into a lesson file.

The format itself is described for authors in docs/authoring.md.
"""
