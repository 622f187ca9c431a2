//! The probes that are not calls of the Admin API: Keycloak's own health endpoints on its
//! management port, and a mail server's greeting.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use url::Url;

use super::CheckState;

/// Asks one of Keycloak's probes (`/health/ready`, `/health/live`, `/health/started`) and
/// reads Keycloak's verdict: `UP` with 200, `DOWN` with 503 and the names of the checks that
/// failed.
pub(super) async fn keycloak_probe(
    http: &reqwest::Client,
    management: &Url,
    probe: &str,
) -> (CheckState, String) {
    let mut url = management.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend(["health", probe]);
    }

    let answer = match http.get(url).send().await {
        Ok(answer) => answer,
        Err(err) => return (CheckState::Down, transport_words(&err)),
    };

    let status = answer.status();
    let verdict: serde_json::Value = answer.json().await.unwrap_or_default();
    // Only Keycloak's verdict word is kept from its answer, never the rest of the body.
    let said = verdict["status"]
        .as_str()
        .filter(|word| matches!(*word, "UP" | "DOWN"))
        .unwrap_or("no verdict");
    if status.is_success() && said == "UP" {
        return (CheckState::Up, "Keycloak says UP".to_owned());
    }
    (CheckState::Down, format!("Keycloak says {said} ({status})"))
}

/// Connects to a mail server and reads its greeting: `220` is up; another code, or TLS from
/// the first byte (whose greeting is inside TLS), is reported as such.
pub(super) async fn mail_greeting(
    host: &str,
    port: u16,
    ssl: bool,
    timeout: Duration,
) -> (CheckState, String) {
    let connect = tokio::net::TcpStream::connect((host, port));
    let mut stream = match tokio::time::timeout(timeout, connect).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(err)) => {
            return (CheckState::Down, format!("{host}:{port} refuses: {}", err.kind()));
        }
        Err(_) => return (CheckState::Down, format!("{host}:{port} did not answer in time")),
    };
    if ssl {
        return (CheckState::Up, format!("{host}:{port} accepts connections (TLS not opened)"));
    }

    let mut greeting = [0u8; 512];
    let read = tokio::time::timeout(timeout, stream.read(&mut greeting)).await;
    let text = match read {
        Ok(Ok(n)) if n > 0 => String::from_utf8_lossy(&greeting[..n]).trim().to_owned(),
        Ok(_) => return (CheckState::Down, format!("{host}:{port} closed without a greeting")),
        Err(_) => return (CheckState::Degraded, format!("{host}:{port} sent no greeting in time")),
    };
    let code: String = text.chars().take(3).collect();
    if code == "220" {
        (CheckState::Up, format!("{host}:{port} greets (220)"))
    } else {
        (CheckState::Down, format!("{host}:{port} answers {code} instead of 220"))
    }
}

/// A transport failure in words, without its URL.
pub(super) fn transport_words(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "did not answer in time".to_owned()
    } else if err.is_connect() {
        "cannot be reached (connection refused or no route)".to_owned()
    } else {
        format!("failed: {}", err.to_string().split(" for url").next().unwrap_or("transport"))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncWriteExt;

    use super::{CheckState, mail_greeting};

    async fn server_saying(words: &'static [u8]) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let _ = socket.write_all(words).await;
            }
        });
        port
    }

    #[tokio::test]
    async fn a_mail_server_that_greets_with_220_is_up() {
        let port = server_saying(b"220 mail.example.test ESMTP ready\r\n").await;

        let (state, message) =
            mail_greeting("127.0.0.1", port, false, Duration::from_secs(2)).await;

        assert_eq!(state, CheckState::Up, "{message}");
    }

    #[tokio::test]
    async fn a_mail_server_that_refuses_service_is_down_with_its_code() {
        let port = server_saying(b"554 no service\r\n").await;

        let (state, message) =
            mail_greeting("127.0.0.1", port, false, Duration::from_secs(2)).await;

        assert_eq!(state, CheckState::Down);
        assert!(message.contains("554"), "{message}");
    }

    #[tokio::test]
    async fn nothing_listening_is_down() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };

        let (state, _) = mail_greeting("127.0.0.1", port, false, Duration::from_secs(2)).await;

        assert_eq!(state, CheckState::Down);
    }
}
