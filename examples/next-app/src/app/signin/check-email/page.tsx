export default function CheckEmail() {
  return (
    <>
      <h1 data-testid="check-email">Check your email</h1>
      <p>A sign-in link was written to the outbox file (<code>MAIL_OUTBOX</code>).</p>
    </>
  );
}
