// API endpoints. api.wxsim-shop.example.com is the request/socket domain configured in the
// admin console (https + wss); wxsim maps it to the local backend.
module.exports = {
  baseUrl: 'https://api.wxsim-shop.example.com',
  wsBase: 'wss://api.wxsim-shop.example.com'
}
