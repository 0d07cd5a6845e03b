// OAuth 2.0 access tokens from a token endpoint, as Microsoft's identity platform issues them
// for IMAP and SMTP: the client credentials grant (RFC 6749 section 4.4) or the refresh token
// grant (section 6), answered with JSON (section 5). Secrets never appear in what is returned.
#pragma once

#include <string>

#include "net/curl.hpp"

namespace casegate::net {

struct TokenRequest {
    std::string token_url;  ///< https://, or http:// to a loopback host
    std::string client_id;
    std::string client_secret;  ///< "" for a public client with a refresh token
    std::string refresh_token;  ///< "" = the client credentials grant
    std::string scope;
    HttpOptions http;
};

struct TokenAnswer {
    bool ok = false;
    std::string access_token;
    std::string refresh_token;  ///< a new one, when the endpoint sent one
    long expires_in = 0;        ///< seconds
    /// Why no token: the endpoint's error code and the first line of its description
    /// ("invalid_client: AADSTS7000215: Invalid client secret provided."), or the transport's.
    std::string error;
    /// The endpoint answered with an error (the credentials were refused), as opposed to not
    /// answering at all.
    bool refused = false;
};

TokenAnswer request_token(const TokenRequest& request);

}  // namespace casegate::net
