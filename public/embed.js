// For a portal that shows /device: `<script src="https://login.example.com/embed.js" defer>` and
// `<pingone-device src="https://login.example.com/device"></pingone-device>`. The element makes
// the frame, sizes it to the page inside, and re-dispatches each message of the page's protocol
// (version 1) as a DOM event named `pingone-device:<event>` whose `detail` is the message. It
// believes a message only when it comes from its own frame, from the origin of the frame's
// src, with the protocol's type and version; it sends the page nothing. Shipped beside the page
// under this stable name, not part of the page itself.
(() => {
  if (customElements.get('pingone-device')) return;

  class PingOneDevice extends HTMLElement {
    connectedCallback() {
      if (this.frame) return;
      const src = new URL(this.getAttribute('src') || '/device', document.baseURI);
      const frame = document.createElement('iframe');
      frame.src = src.href;
      frame.title = this.getAttribute('title') || 'Connect a device';
      frame.referrerPolicy = 'strict-origin';
      frame.setAttribute('allow', '');
      frame.style.setProperty('display', 'block');
      frame.style.setProperty('width', '100%');
      frame.style.setProperty('border', '0');
      this.frame = frame;
      this.origin = src.origin;
      this.listener = (e) => this.receive(e);
      addEventListener('message', this.listener);
      this.append(frame);
    }

    disconnectedCallback() {
      removeEventListener('message', this.listener);
      this.frame?.remove();
      this.frame = null;
    }

    receive({ source, origin, data }) {
      if (source !== this.frame?.contentWindow || origin !== this.origin) return;
      if (data?.type !== 'pingone-device' || data.v !== 1 || typeof data.event !== 'string') return;
      if (data.event === 'resize' && Number.isFinite(data.height) && data.height > 0) {
        this.frame.style.setProperty('height', `${Math.ceil(data.height)}px`);
      }
      this.dispatchEvent(new CustomEvent(`pingone-device:${data.event}`, { detail: data, bubbles: true }));
    }
  }

  customElements.define('pingone-device', PingOneDevice);
})();
