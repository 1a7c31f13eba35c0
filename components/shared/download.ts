/** Saves text as a file through the browser's download (no server round trip: the text is here already). */
export function downloadText(fileName: string, text: string, type = "application/x-ndjson") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
