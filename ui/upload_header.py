"""The header of an upload card (Quasar's QUploader): what the card takes, not a byte count."""

from __future__ import annotations

import html

from nicegui import ui

from ui.i18n import _


def upload_header(upload: ui.upload, title: str, accepts: str) -> ui.upload:
    """Give ``upload`` (Quasar's QUploader) a header that says what it takes, e.g. "PDF, JPEG or PNG,
    up to 5 MB": the default one shows the queue's size and progress, "0.0B / 0.00%" before any
    file is chosen, which tells a clerk nothing. Each file still shows its own progress in the list.

    Quasar's own buttons are kept; the add button holds the uploader's file input (q-uploader-add-trigger),
    which is what opens the file picker and what a test's ``send_keys`` fills."""
    def text(value: str) -> str:  # v-pre: a translation's braces are text, never a template expression
        return html.escape(value, quote=False)

    def attr(value: str) -> str:
        return html.escape(value, quote=True)

    remove_queued, clear_uploaded = attr(_("Remove the files not yet uploaded")), attr(_("Clear the uploaded files"))
    choose, stop = attr(_("Choose a file")), attr(_("Stop the upload"))
    upload.add_slot("header", f"""
<div class="q-uploader__header-content column">
  <div class="flex flex-center no-wrap q-gutter-xs">
    <q-btn v-if="props.queuedFiles.length" type="a" icon="clear_all" flat dense @click="props.removeQueuedFiles"
           aria-label="{remove_queued}" />
    <q-btn v-if="props.uploadedFiles.length" type="a" icon="done_all" flat dense @click="props.removeUploadedFiles"
           aria-label="{clear_uploaded}" />
    <q-spinner v-if="props.isUploading" class="q-uploader__spinner" />
    <div class="col column justify-center min-w-0">
      <div class="q-uploader__title" v-pre>{text(title)}</div>
      <div class="q-uploader__subtitle" v-pre>{text(accepts)}</div>
    </div>
    <q-btn v-if="props.canAddFiles" type="a" icon="add_box" flat dense @click="props.pickFiles"
           aria-label="{choose}"><q-uploader-add-trigger /></q-btn>
    <q-btn v-if="props.isUploading" type="a" icon="clear" flat dense @click="props.abort"
           aria-label="{stop}" />
  </div>
</div>""")
    return upload
