// The training WebSocket: JSON messages in both directions, one handler per message type.

export class Connection {
  constructor(onMessage, onStatus) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.socket = null;
    this.pinger = null;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    this.socket = socket;
    this.onStatus("connecting");
    socket.addEventListener("open", () => this.onStatus("open"));
    socket.addEventListener("message", (event) => this.onMessage(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (this.socket === socket) this.onStatus("closed", event.code);
    });
    // Tell the server this tab is still being looked at; a hidden tab goes quiet and is freed when idle.
    clearInterval(this.pinger);
    this.pinger = setInterval(() => {
      if (document.visibilityState === "visible") this.send({ type: "ping" });
    }, 30000);
  }

  get open() { return this.socket && this.socket.readyState === WebSocket.OPEN; }

  send(message) {
    if (this.open) this.socket.send(JSON.stringify(message));
  }
}
