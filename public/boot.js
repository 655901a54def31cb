// Starts the page from an external module instead of Trunk's inline loader, so the CSP needs no
// 'unsafe-inline'. It loads the wasm-bindgen glue and the WebAssembly through the preload links
// Trunk writes into index.html, with their integrity hashes.
const glue = document.querySelector('link[rel="modulepreload"]'); // the first is the glue
const wasm = document.querySelector('link[rel="preload"][type="application/wasm"]');

async function boot() {
  const bindings = await import(glue.href);
  // Same integrity as the preload: the preloaded bytes are reused, and checked.
  await bindings.default({ module_or_path: fetch(wasm.href, { integrity: wasm.integrity }) });
}

boot().catch((error) => {
  // A blocked or altered file: say so rather than "Loading…" forever.
  const status = document.getElementById('boot');
  if (status) status.textContent = 'This page could not start. Reload it to try again.';
  console.error('device page: could not start', error);
});
