// The reference of the ingest benchmark: a bare Node HTTP server that reads each body
// completely and discards it. Pharos' throughput is reported as a ratio to this.
import http from 'node:http';

const port = Number(process.argv[2]);
http
  .createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 });
      res.end();
    });
  })
  .listen(port, '127.0.0.1', () => console.log('ready'));
