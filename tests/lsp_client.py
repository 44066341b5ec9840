"""An editor's side of `kinerja lsp`, synchronous, for the tests and the benchmark: pygls's own
LanguageClient starting the server as an editor does (`python -m kinerja_dsl.engine.cli lsp`)."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

TIMEOUT = 30  # seconds a reply may take before the test says the server hung


class Editor:
    """What an editor does with a language server, synchronously: open, change, ask."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.client = LanguageClient("kinerja-tests", "1")
        self.published: asyncio.Queue[tuple[float, lsp.PublishDiagnosticsParams]] = asyncio.Queue()
        self.latest: dict[str, list[lsp.Diagnostic]] = {}
        self.logs: list[str] = []
        self.versions: dict[str, int] = {}

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            self.latest[params.uri] = list(params.diagnostics)
            self.published.put_nowait((time.perf_counter(), params))

        @self.client.feature(lsp.WINDOW_LOG_MESSAGE)
        def log(params: lsp.LogMessageParams) -> None:
            self.logs.append(params.message)

    def run(self, coroutine):
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, TIMEOUT))

    def start(self, lang: str | None = "en") -> None:
        """Start the server as an editor does; `lang` None: no --lang (the environment's, else Indonesian)."""
        self.run(self.client.start_io(sys.executable, "-m", "kinerja_dsl.engine.cli", "lsp",
                                      *(("--lang", lang) if lang else ())))
        self.run(self.client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=self.root.as_uri())))
        self.client.initialized(lsp.InitializedParams())

    def stop(self) -> None:
        self.run(self.client.shutdown_async(None))
        self.client.exit(None)
        self.run(self.client.stop())
        self.loop.close()

    def uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    def _until(self, uri: str) -> tuple[float, list[lsp.Diagnostic]]:
        """The diagnostics published for the version of `uri` sent last (earlier ones are passed over)."""
        async def wait() -> tuple[float, list[lsp.Diagnostic]]:
            while True:
                at, params = await self.published.get()
                if params.uri == uri and params.version == self.versions[uri]:
                    return at, list(params.diagnostics)
        return self.run(wait())

    def open(self, relative: str) -> tuple[str, list[lsp.Diagnostic]]:
        uri = self.uri(relative)
        text = (self.root / relative).read_text("utf-8")
        self.versions[uri] = self.versions.get(uri, 0) + 1  # opened again: a version of its own
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(uri=uri, language_id="kinerja", version=self.versions[uri],
                                               text=text)))
        return uri, self._until(uri)[1]

    def change(self, uri: str, text: str) -> tuple[list[lsp.Diagnostic], float]:
        """Send the whole new text; the diagnostics published for it, and the seconds they took."""
        self.versions[uri] += 1
        sent = time.perf_counter()
        self.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)]))
        at, found = self._until(uri)
        return found, at - sent

    def at(self, uri: str, line: int, character: int) -> dict:
        return {"text_document": lsp.TextDocumentIdentifier(uri=uri),
                "position": lsp.Position(line=line, character=character)}

    def hover(self, uri: str, line: int, character: int) -> str | None:
        found = self.run(self.client.text_document_hover_async(lsp.HoverParams(**self.at(uri, line, character))))
        return found.contents.value if found is not None else None

    def definition(self, uri: str, line: int, character: int) -> list[lsp.Location]:
        return self.run(self.client.text_document_definition_async(lsp.DefinitionParams(**self.at(uri, line,
                                                                                                   character))))

    def references(self, uri: str, line: int, character: int) -> list[lsp.Location]:
        return self.run(self.client.text_document_references_async(lsp.ReferenceParams(
            **self.at(uri, line, character), context=lsp.ReferenceContext(include_declaration=True))))

    def complete(self, uri: str, line: int, character: int) -> list[str]:
        found = self.run(self.client.text_document_completion_async(lsp.CompletionParams(**self.at(uri, line,
                                                                                                   character))))
        items = found.items if isinstance(found, lsp.CompletionList) else found or []
        return [i.label for i in items]

    def format(self, uri: str) -> list[lsp.TextEdit]:
        return self.run(self.client.text_document_formatting_async(lsp.DocumentFormattingParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            options=lsp.FormattingOptions(tab_size=2, insert_spaces=True))))

    def symbols(self, uri: str) -> list[lsp.DocumentSymbol]:
        return self.run(self.client.text_document_document_symbol_async(lsp.DocumentSymbolParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri))))

    def rename(self, uri: str, line: int, character: int, new: str) -> lsp.WorkspaceEdit:
        return self.run(self.client.text_document_rename_async(lsp.RenameParams(**self.at(uri, line, character),
                                                                                new_name=new)))
