console.log('Switchboard Inbox');
