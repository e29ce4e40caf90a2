//! Redis killed while instances check tokens, then restarted on the same port: the chosen
//! [`FailurePolicy`] holds (Refuse: errors, Allow: accepted), nothing panics, the failures are
//! counted and reported, and every instance recovers by itself (connection and pub/sub
//! listener) without being rebuilt.

mod redis_support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use authgen_runtime::revoke::{
    FailurePolicy, RevocationError, RevocationErrorKind, Revocations, TokenRef,
};
use redis_support::{builder, listening, unix_now, within, RedisServer};

const BOUND: Duration = Duration::from_secs(10);

/// Checks in a loop until `stop`; returns (accepted, unavailable) counts.
fn hammer(r: Revocations, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<(u64, u64)> {
    tokio::spawn(async move {
        let (mut ok, mut unavailable) = (0, 0);
        let now = unix_now();
        let mut i = 0u64;
        while !stop.load(Ordering::Relaxed) {
            i += 1;
            let jti = format!("j-{}", i % 50);
            let t = TokenRef {
                user_id: Some("u-load"),
                iat: Some(now),
                jti: Some(&jti),
            };
            match r.check(t).await {
                Ok(()) => ok += 1,
                Err(e) => {
                    assert_eq!(e.kind(), RevocationErrorKind::Unavailable, "{e}");
                    assert_eq!(e.status(), 503);
                    assert!(e.retry_after_secs().is_some());
                    unavailable += 1;
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        (ok, unavailable)
    })
}

fn counting(server: &RedisServer, policy: FailurePolicy) -> (Revocations, Arc<AtomicU64>) {
    let reported = Arc::new(AtomicU64::new(0));
    let hook = Arc::clone(&reported);
    let r = builder(server, policy)
        // No cache: every check needs Redis, so the policy decides each one during the outage.
        .cache(0, Duration::ZERO)
        .on_failure(move |_| {
            hook.fetch_add(1, Ordering::Relaxed);
        })
        .build()
        .unwrap();
    (r, reported)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_holds_while_redis_is_down_and_both_recover() {
    let mut server = RedisServer::start();
    let (refuse, refuse_reported) = counting(&server, FailurePolicy::Refuse);
    let (allow, allow_reported) = counting(&server, FailurePolicy::Allow);
    listening(&refuse).await;
    listening(&allow).await;
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = [&refuse, &allow, &refuse, &allow]
        .into_iter()
        .map(|r| hammer(r.clone(), Arc::clone(&stop)))
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;

    server.kill();
    let down = refuse.clone();
    within(BOUND, async || down.failures() > 0 && !down.is_listening())
        .await
        .expect("the outage is noticed");
    let t = TokenRef {
        user_id: Some("u-x"),
        iat: Some(unix_now()),
        jti: None,
    };
    let refused = refuse.check(t).await.unwrap_err();
    assert!(
        matches!(refused, RevocationError::Unavailable { .. }),
        "{refused}"
    );
    assert_eq!(
        allow.check(t).await,
        Ok(()),
        "Allow: accepted on the token alone"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.restart();
    let back = refuse.clone();
    let recovered = within(BOUND, async || back.check(t).await.is_ok())
        .await
        .expect("Refuse recovers without a rebuild");
    println!("checks pass again {recovered:?} after the restart");
    listening(&refuse).await;
    listening(&allow).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.store(true, Ordering::Relaxed);
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.expect("no checking task panicked"));
    }
    println!("(accepted, unavailable) per task: {counts:?}");
    for (i, (ok, unavailable)) in counts.iter().enumerate() {
        assert!(*ok > 0, "task {i} had accepted checks");
        if i % 2 == 0 {
            assert!(
                *unavailable > 0,
                "Refuse task {i} was refused during the outage"
            );
        } else {
            assert_eq!(*unavailable, 0, "Allow task {i} was never refused");
        }
    }
    assert_eq!(refuse_reported.load(Ordering::Relaxed), refuse.failures());
    assert_eq!(allow_reported.load(Ordering::Relaxed), allow.failures());
    assert!(
        allow.failures() > 0,
        "Allow still counts and reports failures"
    );
}

/// After a restart (which lost the data: no persistence), the listeners have resubscribed:
/// a revocation made on one instance reaches the other's cache again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_sub_resumes_after_a_restart() {
    let mut server = RedisServer::start();
    let a = builder(&server, FailurePolicy::Refuse).build().unwrap();
    let b = builder(&server, FailurePolicy::Refuse)
        .cache(100, Duration::from_secs(60))
        .build()
        .unwrap();
    listening(&a).await;
    listening(&b).await;
    server.kill();
    let gone = b.clone();
    within(BOUND, async || !gone.is_listening())
        .await
        .expect("the listener noticed the outage");
    let now = unix_now();
    let t = TokenRef {
        user_id: Some("u-p"),
        iat: Some(now - 5),
        jti: Some("j-p"),
    };
    assert!(
        a.revoke_user("u-p", now).await.is_err(),
        "no Redis, no revocation"
    );
    assert!(a.failures() > 0);
    server.restart();
    listening(&b).await;
    let cached = b.clone();
    within(BOUND, async || cached.check(t).await.is_ok())
        .await
        .expect("b checks again");
    assert!(b.cached() > 0);
    let writer = a.clone();
    within(BOUND, async || writer.revoke_user("u-p", now).await.is_ok())
        .await
        .expect("a writes again");
    let heard = b.clone();
    let latency = within(BOUND, async || {
        heard.check(t).await == Err(RevocationError::Revoked)
    })
    .await
    .expect("the revocation reached b's cache after the restart");
    println!("after the restart: refused on the other instance in {latency:?}");
}

/// A restart between two checks costs no failed check: the dead connection is replaced and the
/// command sent again at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_between_checks_costs_no_failure() {
    let mut server = RedisServer::start();
    let (r, reported) = counting(&server, FailurePolicy::Refuse);
    let t = TokenRef {
        user_id: Some("u-q"),
        iat: Some(unix_now()),
        jti: Some("j-q"),
    };
    assert_eq!(r.check(t).await, Ok(()));
    server.kill();
    server.restart();
    assert_eq!(
        r.check(t).await,
        Ok(()),
        "the first check after the restart"
    );
    assert_eq!(r.failures(), 0);
    assert_eq!(reported.load(Ordering::Relaxed), 0);
}
