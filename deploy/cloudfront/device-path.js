// Written by `cargo xtask hosting` from deploy/headers.toml and a site file: change those and
// regenerate rather than editing this copy. This one is for:
//   server name login.example.com, page files in /srv/device-page
//   authBase https://auth.example.com
//   icon hosts https://assets.example.com
//   portals allowed to frame the page: none
//
// A CloudFront Function (JavaScript runtime 2.0) on the distribution's viewer requests: the
// page's addresses answer with its file. The query string (the user_code) stays as it is.
var FILES = {
  '/device': '/index.html',
  '/device/': '/index.html',
};

function handler(event) {
  var request = event.request;
  if (Object.prototype.hasOwnProperty.call(FILES, request.uri)) {
    request.uri = FILES[request.uri];
  }
  return request;
}
