//! The HTTP status a server function answers with when it fails: a refusal of what the
//! browser sent is a 4xx (the browser can act on it), only the console's own failure a 5xx.
//! Leptos answers 500 for every error; the server's `fn_status` layer gives every server
//! function's error the status written here (and [`answer`] sets it from inside a function,
//! where the editor's do).

use crate::errors::AppError;
use providers::ErrorKind;

/// The status `error` is answered with.
pub fn status_of(error: &AppError) -> u16 {
    match error {
        AppError::Invalid { .. } => 400,
        AppError::Unauthenticated(_) => 401,
        AppError::Forbidden { .. } => 403,
        AppError::UnknownConnection(_) => 404,
        // The connection cannot do it: the request can never succeed as sent.
        AppError::Unsupported(_) => 422,
        // A connection the console cannot use as configured, or a request it could not build,
        // is the console's own failure: nothing reached the provider.
        AppError::Provider(e) if matches!(e.kind, ErrorKind::Config | ErrorKind::Request) => 500,
        // A provider's refusal of the input stays a refusal (400, 404, 409, 422…); the
        // provider failing or not answering is a bad gateway.
        AppError::Provider(e) => e.status.filter(|s| (400..=499).contains(s)).unwrap_or(502),
        AppError::Transport(_) | AppError::Misconfigured(_) => 500,
    }
}

/// `result`, with the response's status set from its error (server side only).
#[cfg(feature = "ssr")]
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(status_of(error))
    {
        response.set_status(status);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use providers::ProviderError;

    #[test]
    fn refusals_are_4xx_and_failures_5xx() {
        assert_eq!(
            status_of(&AppError::invalid("description", "too long")),
            400
        );
        assert_eq!(status_of(&AppError::UnknownConnection("x".into())), 404);
        assert_eq!(status_of(&AppError::Unauthenticated("sign in".into())), 401);
        assert_eq!(status_of(&AppError::Unsupported("no".into())), 422);
        let refused = ProviderError::from_provider(400, Some("80307".into()), None, "refused");
        assert_eq!(status_of(&AppError::Provider(refused)), 400);
        let failed = ProviderError::from_provider(503, None, None, "down");
        assert_eq!(status_of(&AppError::Provider(failed)), 502);
        assert_eq!(status_of(&AppError::Misconfigured("x".into())), 500);
        let unset = ProviderError::new(ErrorKind::Config, "AUTH_ENV is not set");
        assert_eq!(status_of(&AppError::Provider(unset)), 500);
    }
}
