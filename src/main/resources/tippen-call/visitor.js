// The visitor's side of a call in Tippen, in the tracker's overlay: the ticket comes in the address's
// fragment (never sent to a server or in a referrer). The microphone starts on and the camera off.
import { CallPeer, endText } from '/call/static/peer.js';

const $ = (id) => document.getElementById(id);
const ticket = decodeURIComponent(location.hash.slice(1));
const state = $('state');
const mute = $('mute');
const camera = $('camera');
const hangup = $('hangup');

function tellPage(type) {
  // The page around the frame (the tracker) closes the overlay; nothing secret is in the message.
  if (window.parent !== window) window.parent.postMessage({ source: 'tippen-call', type }, '*');
}

if (!ticket) {
  state.textContent = 'This call opens from the website that invited you.';
  [mute, camera, hangup].forEach((b) => { b.disabled = true; });
} else {
  const peer = new CallPeer({
    ticket,
    media: { audio: true, video: false },
    view: {
      state: (text) => { state.textContent = text; },
      remote: (stream) => { if ($('remote').srcObject !== stream) $('remote').srcObject = stream; },
      local: (stream) => { $('local').srcObject = stream; },
      quality: () => {},
      ended: (reason, detail) => {
        state.textContent = endText(reason) + (detail ? ' (' + detail + ')' : '');
        [mute, camera, hangup].forEach((b) => { b.disabled = true; });
        tellPage('ended');
      },
    },
  });
  window.tippenCall = peer;
  let muted = false;
  let cameraOn = false;
  mute.onclick = () => {
    muted = !muted;
    peer.setMuted(muted);
    mute.textContent = muted ? 'Unmute' : 'Mute';
    mute.setAttribute('aria-pressed', String(muted));
  };
  camera.onclick = async () => {
    camera.disabled = true;
    try {
      await peer.setCamera(!cameraOn);
      cameraOn = !cameraOn;
      $('local').hidden = !cameraOn;
      camera.textContent = cameraOn ? 'Turn camera off' : 'Turn camera on';
      camera.setAttribute('aria-pressed', String(cameraOn));
    } catch (e) {
      state.textContent = 'The camera could not be turned on: ' + (e.message || e);
    } finally {
      camera.disabled = false;
    }
  };
  hangup.onclick = () => peer.hangUp();
}

// The overlay's close button hangs up (the page around the frame cannot reach the call otherwise).
window.addEventListener('message', (e) => {
  if (e.source !== window.parent || !e.data || e.data.source !== 'tippen-overlay' || e.data.type !== 'hangup') return;
  if (window.tippenCall) window.tippenCall.hangUp();
});
