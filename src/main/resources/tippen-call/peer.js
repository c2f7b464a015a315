// One side of a call in Tippen: the call's socket on this server, an RTCPeerConnection negotiated the
// "perfect negotiation" way with trickled ICE, and the media. Shared by the console (the agent, who
// offers) and the visitor's call page (polite: it gives way when both offer at once).
// No media passes through the server: it only relays the descriptions and candidates.

const LOST_AFTER_MS = 15000;      // ICE down this long ends the call as lost
const RESTART_AFTER_MS = 3000;    // ICE disconnected this long: try an ICE restart
const MAX_RESTARTS = 3;           // per call
const MAX_RECONNECTS = 5;         // the socket, within the server's 10 s grace
const STATS_EVERY_MS = 2000;

export class CallPeer {
  /**
   * ticket: this party's ticket; path: the socket's path (the console adds ?site=); media: { audio, video } to start with;
   * view: callbacks { state(text, phase), remote(stream), local(stream), quality(q), ended(reason) }.
   */
  constructor({ ticket, path, media, view }) {
    this.ticket = ticket;
    this.path = path || '/ws/call';
    this.view = view;
    this.wantAudio = media.audio !== false;
    this.wantVideo = !!media.video;
    this.pc = null;
    this.polite = false;
    this.config = null;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.restarts = 0;
    this.reconnects = 0;
    this.downSince = 0;
    this.over = false;
    this.peerPresent = false;
    this.local = new MediaStream();
    this.screen = null;
    this.stats = { framesDecoded: 0, pair: null, rtt: null, loss: 0 };
    this.ready = this.startMedia().then(() => this.open(), (e) => this.fail('no microphone: ' + (e && e.message || e)));
  }

  async startMedia() {
    const want = { audio: this.wantAudio, video: this.wantVideo };
    if (!want.audio && !want.video) return;
    const s = await navigator.mediaDevices.getUserMedia(want);
    s.getTracks().forEach((t) => this.local.addTrack(t));
    this.view.local(this.local);
  }

  open() {
    if (this.over) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const sep = this.path.includes('?') ? '&' : '?';
    const ws = new WebSocket(scheme + '//' + location.host + this.path + sep + 'ticket=' + encodeURIComponent(this.ticket));
    this.ws = ws;
    ws.onmessage = (e) => { let m; try { m = JSON.parse(e.data); } catch (x) { return; } this.onMessage(m); };
    ws.onclose = () => {
      if (this.over) return;
      if (this.reconnects++ >= MAX_RECONNECTS) return this.fail('lost the connection to the server');
      this.view.state('Reconnecting…', 'connecting');
      setTimeout(() => this.open(), 500 * this.reconnects);
    };
  }

  send(m) {
    if (this.ws && this.ws.readyState === 1) this.ws.send(JSON.stringify(m));
  }

  onMessage(m) {
    switch (m.type) {
      case 'CALL_CONFIG':
        this.reconnects = 0;
        this.polite = !!m.polite;
        this.config = { iceServers: m.iceServers || [], iceTransportPolicy: m.iceTransportPolicy || 'all' };
        if (!this.pc) this.view.state(this.polite ? 'Connecting…' : 'Waiting for the visitor to join…', 'waiting');
        if (this.polite && !this.pc) this.newPeer();
        break;
      case 'PEER':
        if (m.present && !this.peerPresent) {
          this.peerPresent = true;
          // The other side arrived, or came back with a fresh page: start over with it.
          if (!this.polite || (this.pc && this.pc.connectionState !== 'new')) this.newPeer();
          this.view.state('Connecting…', 'connecting');
        } else if (!m.present) {
          this.peerPresent = false;
          this.view.state(this.polite ? 'The agent\u2019s page is reconnecting…' : 'The visitor\u2019s page is reconnecting…', 'connecting');
        }
        break;
      case 'SIGNAL':
        this.onSignal(m.data || {}).catch((e) => console.warn('tippen call: signal', e));
        break;
      case 'CALL_STATE':
        break;
      case 'CALL_ENDED':
        this.finish(m.reason);
        break;
      default:
        break;
    }
  }

  newPeer() {
    if (this.pc) this.pc.close();
    const pc = new RTCPeerConnection(this.config);
    this.pc = pc;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.downSince = 0;
    const remote = new MediaStream();
    this.remote = remote;
    pc.ontrack = (e) => {
      remote.addTrack(e.track);
      this.view.remote(remote);
    };
    pc.onicecandidate = (e) => this.send({ type: 'SIGNAL', data: { candidate: e.candidate ? e.candidate.toJSON() : null } });
    pc.onnegotiationneeded = async () => {
      if (pc !== this.pc) return;
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.send({ type: 'SIGNAL', data: { description: pc.localDescription.toJSON() } });
      } catch (e) {
        console.warn('tippen call: offer', e);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.oniceconnectionstatechange = () => this.watchIce(pc);
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      if (pc.connectionState === 'connected') {
        this.downSince = 0;
        this.view.state('Connected', 'connected');
        this.send({ type: 'STATE', state: 'connected' });
      }
    };
    if (!this.polite) {
      // The agent offers: an audio and a video line, each sending and receiving; turning the camera
      // on or sharing a screen later only swaps the track, with no new negotiation.
      const audio = this.local.getAudioTracks()[0];
      const video = this.local.getVideoTracks()[0];
      pc.addTransceiver(audio || 'audio', { direction: 'sendrecv', streams: [this.local] });
      pc.addTransceiver(video || 'video', { direction: 'sendrecv', streams: [this.local] });
    }
    if (!this.statsTimer) this.statsTimer = setInterval(() => this.measure(), STATS_EVERY_MS);
  }

  async onSignal({ description, candidate }) {
    if (!this.pc) this.newPeer();
    const pc = this.pc;
    if (description) {
      const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      await pc.setRemoteDescription(description);
      if (description.type === 'offer') {
        this.attachLocal(pc);
        await pc.setLocalDescription();
        this.send({ type: 'SIGNAL', data: { description: pc.localDescription.toJSON() } });
      }
    } else if (candidate !== undefined) {
      try {
        await pc.addIceCandidate(candidate || undefined);
      } catch (e) {
        if (!this.ignoreOffer) console.warn('tippen call: candidate', e);
      }
    }
  }

  /** The answering side sends on the lines the offer made: its microphone, and its camera once on. */
  attachLocal(pc) {
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track.kind;
      if (t.direction !== 'sendrecv') t.direction = 'sendrecv';
      const track = kind === 'audio' ? this.local.getAudioTracks()[0] : (this.screen || this.local.getVideoTracks()[0]);
      if (track && t.sender.track !== track) t.sender.replaceTrack(track);
      if (t.sender.setStreams) t.sender.setStreams(this.local);
    }
  }

  watchIce(pc) {
    if (pc !== this.pc || this.over) return;
    const s = pc.iceConnectionState;
    if (s === 'connected' || s === 'completed') {
      this.downSince = 0;
      return;
    }
    if (s !== 'disconnected' && s !== 'failed') return;
    if (!this.downSince) this.downSince = Date.now();
    this.view.state('Reconnecting the call…', 'connecting');
    // The offering side restarts ICE (a new network, a new path), a bounded number of times.
    const restart = () => {
      if (pc !== this.pc || this.polite || this.restarts >= MAX_RESTARTS) return;
      if (pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed') {
        this.restarts++;
        pc.restartIce();
      }
    };
    if (s === 'failed') restart();
    else setTimeout(restart, RESTART_AFTER_MS);
  }

  async measure() {
    const pc = this.pc;
    if (!pc || this.over) return;
    if (this.downSince && Date.now() - this.downSince > LOST_AFTER_MS) {
      this.send({ type: 'STATE', state: 'lost' });
      return;
    }
    let frames = 0; let lost = 0; let received = 0; let rtt = null; let pair = null;
    const report = await pc.getStats();
    const byId = new Map();
    report.forEach((r) => byId.set(r.id, r));
    report.forEach((r) => {
      if (r.type === 'inbound-rtp') {
        if (r.kind === 'video') frames += r.framesDecoded || 0;
        lost += r.packetsLost || 0;
        received += r.packetsReceived || 0;
      }
      if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {
        rtt = r.currentRoundTripTime;
        const l = byId.get(r.localCandidateId);
        const rm = byId.get(r.remoteCandidateId);
        pair = { local: l && l.candidateType, remote: rm && rm.candidateType };
      }
    });
    const loss = received + lost > 0 ? lost / (received + lost) : 0;
    this.stats = { framesDecoded: frames, pair, rtt, loss };
    const level = rtt == null ? 'unknown' : rtt < 0.3 && loss < 0.02 ? 'good' : rtt < 0.6 && loss < 0.08 ? 'fair' : 'poor';
    this.view.quality({ level, rtt, loss, frames });
  }

  setMuted(muted) {
    this.local.getAudioTracks().forEach((t) => { t.enabled = !muted; });
  }

  /** Turns the camera on (asking for it the first time) or off. */
  async setCamera(on) {
    let track = this.local.getVideoTracks()[0];
    if (on && !track) {
      const s = await navigator.mediaDevices.getUserMedia({ video: true });
      track = s.getVideoTracks()[0];
      this.local.addTrack(track);
      this.view.local(this.local);
    }
    if (track) track.enabled = on;
    if (on && !this.screen) this.videoSender((sender) => sender.replaceTrack(track));
  }

  videoSender(fn) {
    if (!this.pc) return;
    for (const t of this.pc.getTransceivers()) {
      if (t.receiver.track.kind === 'video' && t.currentDirection !== 'stopped') fn(t.sender);
    }
  }

  /** The agent shows a screen instead of the camera, until it stops sharing. */
  async shareScreen(on) {
    if (on) {
      const s = await navigator.mediaDevices.getDisplayMedia({ video: true });
      this.screen = s.getVideoTracks()[0];
      this.screen.onended = () => this.shareScreen(false);
      this.videoSender((sender) => sender.replaceTrack(this.screen));
    } else if (this.screen) {
      this.screen.stop();
      this.screen = null;
      const camera = this.local.getVideoTracks()[0] || null;
      this.videoSender((sender) => sender.replaceTrack(camera));
    }
    return !!this.screen;
  }

  hangUp() {
    this.send({ type: 'HANG_UP' });
    // The server answers CALL_ENDED; should it not, the call still ends here.
    setTimeout(() => this.finish(this.polite ? 'visitor_hung_up' : 'agent_hung_up'), 3000);
  }

  fail(why) {
    this.finish('lost', why);
  }

  finish(reason, detail) {
    if (this.over) return;
    this.over = true;
    clearInterval(this.statsTimer);
    if (this.pc) this.pc.close();
    this.local.getTracks().forEach((t) => t.stop());
    if (this.screen) this.screen.stop();
    if (this.ws) this.ws.close();
    this.view.ended(reason, detail);
  }
}

/** A call's end reason, for people. */
export function endText(reason) {
  return ({
    agent_hung_up: 'The agent hung up.',
    visitor_hung_up: 'The visitor hung up.',
    lost: 'The call was lost.',
    failed: 'The call could not connect.',
    cancelled: 'The call was called off.',
    declined: 'The visitor declined the call.',
    missed: 'Nobody answered the call.',
  })[reason] || 'The call has ended.';
}
